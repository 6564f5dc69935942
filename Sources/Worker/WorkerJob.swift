import Locking
import Providers

/// One job a worker accepted: its state, and the callers long-polling for its end.
final class WorkerJob: Sendable {
    enum State: Sendable {
        case waiting
        case running
        case succeeded(GeneratedImage)
        case failed(String)

        var isFinished: Bool {
            switch self {
            case .succeeded, .failed: true
            case .waiting, .running: false
            }
        }
    }

    let id: String
    let request: GenerationRequest
    private struct Guarded {
        var state: State = .waiting
        var finishedAt: ContinuousClock.Instant?
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter = 0
    }
    private let guarded = LockedState(Guarded())

    init(id: String, request: GenerationRequest) {
        self.id = id
        self.request = request
    }

    var state: State { guarded.withLock { $0.state } }
    var finishedAt: ContinuousClock.Instant? { guarded.withLock { $0.finishedAt } }

    func markRunning() { guarded.withLock { $0.state = .running } }

    /// Records the outcome and wakes every waiter.
    func finish(_ state: State) {
        let waiters = guarded.withLock { guarded in
            guarded.state = state
            guarded.finishedAt = .now
            defer { guarded.waiters = [:] }
            return guarded.waiters.values
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits until the job finishes or `window` passes, whichever comes first, and returns its state then.
    func state(waitingUpTo window: Duration) async -> State {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.finished() }
            group.addTask { try? await TimerQueue.shared.sleep(for: window) }
            await group.next()
            group.cancelAll()
        }
        return state
    }

    /// Returns once the job has finished, or at once when the calling task is cancelled.
    private func finished() async {
        let slot = LockedState<Int?>(nil)
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let registered = guarded.withLock { guarded -> Bool in
                    guard !guarded.state.isFinished, !Task.isCancelled else { return false }
                    let key = guarded.nextWaiter
                    guarded.nextWaiter += 1
                    guarded.waiters[key] = continuation
                    slot.withLock { $0 = key }
                    return true
                }
                if !registered { continuation.resume() }
            }
        } onCancel: {
            let waiter = guarded.withLock { guarded in
                slot.withLock { $0 }.flatMap { guarded.waiters.removeValue(forKey: $0) }
            }
            waiter?.resume()
        }
    }
}
