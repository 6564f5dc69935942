import Foundation
import Testing

@testable import Gateway

/// The job store's contract, run unchanged against SQLite and against a real PostgreSQL server.
@Suite struct JobStoreConformanceTests {
    let now = Fixtures.date("2026-11-29T12:00:00Z")

    @Test(arguments: StoreKind.allCases) func aJobLeavesQueuedAndRunningOnce(kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        defer { fixture.remove() }
        let store = try await fixture.open()
        let jobs = store.jobs
        try await jobs.insert(Fixtures.job("j-1", at: now))
        let stored = try #require(try await jobs.job(JobID("j-1")))
        #expect(stored.status == .queued)
        #expect(stored.request.prompt == "a red fox")
        #expect(stored.request.seed == 7)
        #expect(try await jobs.job(JobID("j-1"), user: Fixtures.bob) == nil, "another user's job is not found")

        #expect(try await jobs.markRunning(JobID("j-1"), at: now))
        #expect(try await !jobs.markRunning(JobID("j-1"), at: now))
        try await jobs.updateProgress(JobID("j-1"), step: 2, total: 4, provider: "gpu")
        let running = try #require(try await jobs.job(JobID("j-1"), user: Fixtures.alice))
        #expect(running.status == .running)
        #expect(running.progressStep == 2)
        #expect(running.provider == "gpu")

        let outcome = JobOutcome(
            status: .succeeded, provider: "gpu", costMicros: 1_234, image: [1, 2, 3, 255], imageMediaType: "image/png")
        #expect(try await jobs.finish(JobID("j-1"), outcome, at: now.addingTimeInterval(5)))
        #expect(try await !jobs.finish(JobID("j-1"), JobOutcome(status: .cancelled, costMicros: 0), at: now))
        let finished = try #require(try await jobs.job(JobID("j-1")))
        #expect(finished.status == .succeeded)
        #expect(finished.progressStep == 4)
        #expect(finished.costMicros == 1_234)
        #expect(finished.finishedAt == now.addingTimeInterval(5))
        let image = try #require(try await jobs.image(JobID("j-1"), user: Fixtures.alice))
        #expect(image.bytes == [1, 2, 3, 255])
        #expect(image.mediaType == "image/png")
        #expect(try await jobs.image(JobID("j-1"), user: Fixtures.bob) == nil)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases) func aCancelledQueuedJobNeverRuns(kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        defer { fixture.remove() }
        let store = try await fixture.open()
        try await store.jobs.insert(Fixtures.job("q-1", at: now))
        #expect(try await store.jobs.finish(JobID("q-1"), JobOutcome(status: .cancelled, costMicros: 0), at: now))
        #expect(try await !store.jobs.markRunning(JobID("q-1"), at: now))
        #expect(try await store.jobs.job(JobID("q-1"))?.status == .cancelled)
        await store.close()
    }

    @Test(arguments: StoreKind.allCases) func listsByEmailAndDeletesExpiredJobs(kind: StoreKind) async throws {
        let fixture = try await StoreFixture.make(kind)
        defer { fixture.remove() }
        let store = try await fixture.open()
        let jobs = store.jobs
        for index in 0..<3 {
            try await jobs.insert(Fixtures.job("l-\(index)", at: now.addingTimeInterval(Double(index))))
        }
        try await jobs.insert(Fixtures.job("l-bob", user: Fixtures.bob, at: now))
        #expect(try await jobs.jobs(email: "1001@EXAMPLE.COM", limit: 2).map(\.id.rawValue) == ["l-2", "l-1"])
        _ = try await jobs.finish(JobID("l-0"), JobOutcome(status: .failed, costMicros: 0), at: now)
        _ = try await jobs.finish(
            JobID("l-1"), JobOutcome(status: .failed, costMicros: 0), at: now.addingTimeInterval(100))
        #expect(try await jobs.deleteFinished(before: now.addingTimeInterval(50)) == 1)
        #expect(try await jobs.job(JobID("l-0")) == nil)
        #expect(try await jobs.job(JobID("l-1")) != nil)
        #expect(await jobs.probeWritable())
        await store.close()
    }
}
