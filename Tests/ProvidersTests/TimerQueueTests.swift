import Foundation
import Providers
import Testing

@Suite struct TimerQueueTests {
    @Test func sleepReturnsAfterItsDuration() async throws {
        let timers = TimerQueue()
        let clock = ContinuousClock()
        let elapsed = try await clock.measure { try await timers.sleep(for: .milliseconds(200)) }
        #expect(elapsed >= .milliseconds(200))
        #expect(elapsed < .seconds(10))
        #expect(timers.pendingCount == 0)
    }

    @Test func sleepersWakeInDeadlineOrder() async throws {
        let timers = TimerQueue()
        let order = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, milliseconds) in [(2, 600), (0, 200), (1, 400)] {
                group.addTask {
                    try await timers.sleep(for: .milliseconds(milliseconds))
                    return index
                }
            }
            var order: [Int] = []
            for try await index in group { order.append(index) }
            return order
        }
        #expect(order == [0, 1, 2])
    }

    /// The reason this type exists: a cancelled sleep leaves nothing queued, long before its deadline.
    @Test func cancellingASleepRemovesItAtOnce() async throws {
        let timers = TimerQueue()
        let sleepers = (0..<1_000).map { _ in
            Task { try await timers.sleep(for: .seconds(3600)) }
        }
        for _ in 0..<500 where timers.pendingCount < sleepers.count {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(timers.pendingCount == sleepers.count)
        let clock = ContinuousClock()
        let started = clock.now
        for sleeper in sleepers { sleeper.cancel() }
        for sleeper in sleepers {
            await #expect(throws: CancellationError.self) { try await sleeper.value }
        }
        #expect(started.duration(to: clock.now) < .seconds(60))
        #expect(timers.pendingCount == 0)
    }

    @Test func aTaskCancelledBeforeItSleepsDoesNotWait() async throws {
        let timers = TimerQueue()
        let sleeper = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await timers.sleep(for: .seconds(3600))
        }
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(timers.pendingCount == 0)
    }

    @Test func cancellingSomeLeavesTheOthersOnTime() async throws {
        let timers = TimerQueue()
        let cancelled = (0..<200).map { _ in Task { try await timers.sleep(for: .seconds(3600)) } }
        let kept = Task { try await timers.sleep(for: .milliseconds(300)) }
        for _ in 0..<500 where timers.pendingCount < 201 {
            try await Task.sleep(for: .milliseconds(10))
        }
        for sleeper in cancelled { sleeper.cancel() }
        try await kept.value
        #expect(timers.pendingCount == 0)
    }
}
