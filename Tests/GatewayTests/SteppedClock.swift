import Foundation

/// TEST DOUBLE: a clock whose sleeps end only when the test steps it, so a poller (the policy watcher) runs one
/// poll per step and the test acts between polls. Its instants are the continuous clock's.
final class SteppedClock: Clock, @unchecked Sendable {
    typealias Instant = ContinuousClock.Instant

    private let lock = NSLock()
    /// The sleep in progress, if any, and how many sleeps have begun; guarded by `lock`.
    private var sleeper: CheckedContinuation<Void, any Error>?
    private var sleeps = 0

    var now: Instant { ContinuousClock.now }
    var minimumResolution: Duration { .zero }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                self.lock.withLock {
                    self.sleeper = continuation
                    self.sleeps += 1
                }
            }
        } onCancel: {
            self.lock.withLock { () -> CheckedContinuation<Void, any Error>? in
                defer { self.sleeper = nil }
                return self.sleeper
            }?.resume(throwing: CancellationError())
        }
    }

    /// Ends the current sleep and waits until the poller sleeps again, i.e. until one poll has run (at most 10 s).
    func step() async throws {
        try await waitUntil { $0.sleeper != nil }
        let (continuation, count) = lock.withLock { () -> (CheckedContinuation<Void, any Error>?, Int) in
            defer { sleeper = nil }
            return (sleeper, sleeps)
        }
        continuation?.resume()
        try await waitUntil { $0.sleeps > count && $0.sleeper != nil }
    }

    private func waitUntil(_ condition: (SteppedClock) -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !lock.withLock({ condition(self) }) {
            guard ContinuousClock.now < deadline else { throw TestFailure("the poller did not sleep again in 10 s") }
            try await Task.sleep(for: .milliseconds(1))
        }
    }
}
