import Foundation
import Testing

@testable import Gateway

/// The relay's safety net for notifications lost while its listening connection was replaced.
@Suite struct JobSignalRelayTests {
    /// TEST DOUBLE: a channel on which no notification ever arrives, like one whose messages were all lost.
    struct SilentChannel: JobSignalChannel {
        let signals: AsyncStream<JobSignal>
        let end: AsyncStream<JobSignal>.Continuation
        init() { (signals, end) = AsyncStream.makeStream(of: JobSignal.self) }
        func requestCancel(_ id: JobID) async throws {}
    }

    @Test func aJobThatFinishedElsewhereEndsItsStreamWithoutANotification() async throws {
        let fixture = try await StoreFixture.make(.sqlite)
        defer { fixture.remove() }
        let store = try await fixture.open()
        let now = Fixtures.date("2026-11-29T12:00:00Z")
        try await store.jobs.insert(Fixtures.job("lost-1", at: now))
        let hub = JobEventHub()
        let stream = hub.subscribe(JobID("lost-1"))
        let channel = SilentChannel()
        let relay = JobSignalRelay(
            channel: channel, store: store.jobs, cancelRunning: { _ in }, hub: hub, sweepInterval: .milliseconds(20))
        let running = Task { await relay.run() }
        #expect(try await store.jobs.finish(JobID("lost-1"), JobOutcome(status: .cancelled, costMicros: 0), at: now))

        let last = try await withThrowingTaskGroup(of: JobEvent?.self) { group in
            group.addTask {
                var last: JobEvent?
                for await event in stream { last = event }
                return last
            }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        guard case .finished(let job) = last else {
            Issue.record("the stream did not end with the job's end within 10 s: \(String(describing: last))")
            return
        }
        #expect(job.status == .cancelled)
        #expect(hub.followedJobs.isEmpty)
        channel.end.finish()
        running.cancel()
        await running.value
        await store.close()
    }
}
