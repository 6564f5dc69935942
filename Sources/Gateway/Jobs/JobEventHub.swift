import Foundation
import Locking

/// Fans a job's events out to whoever is listening, in memory. A `finished` event ends every stream of the job.
/// It also keeps a running job's way through the providers (`attempting`, `attemptFailed`; at most
/// `routeHistoryLimit` events) and its latest progress, so a late listener learns which providers failed, which one
/// it is on and how far it got, even before the job's stored progress catches up.
final class JobEventHub: Sendable {
    /// What a running job has published that a late listener needs.
    struct Trail {
        var route: [JobEvent] = []
        var progress: (step: Int, total: Int)?
    }

    private let subscribers = LockedState<[JobID: [UUID: AsyncStream<JobEvent>.Continuation]]>([:])
    private let trails = LockedState<[JobID: Trail]>([:])
    private let routeHistoryLimit = 32

    /// The provider events of a running job so far, oldest first, and its latest progress.
    func trail(of jobID: JobID) -> Trail {
        trails.withLock { $0[jobID] ?? Trail() }
    }

    /// The jobs someone here is listening to now.
    var followedJobs: [JobID] {
        subscribers.withLock { Array($0.keys) }
    }

    /// A stream of the job's events from now on; it ends after the job's `finished` event.
    func subscribe(_ jobID: JobID) -> AsyncStream<JobEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: JobEvent.self, bufferingPolicy: .bufferingNewest(64))
        let token = UUID()
        subscribers.withLock { $0[jobID, default: [:]][token] = continuation }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { table in
                table[jobID]?[token] = nil
                if table[jobID]?.isEmpty == true { table[jobID] = nil }
            }
        }
        return stream
    }

    func publish(_ event: JobEvent, for jobID: JobID) {
        switch event {
        case .attempting, .attemptFailed:
            trails.withLock { table in
                if table[jobID, default: Trail()].route.count < routeHistoryLimit {
                    table[jobID, default: Trail()].route.append(event)
                }
            }
        case .progress(let step, let total): trails.withLock { $0[jobID, default: Trail()].progress = (step, total) }
        case .finished: _ = trails.withLock { $0.removeValue(forKey: jobID) }
        default: break
        }
        let continuations: [AsyncStream<JobEvent>.Continuation]
        if case .finished = event {
            continuations = subscribers.withLock { Array(($0.removeValue(forKey: jobID) ?? [:]).values) }
        } else {
            continuations = subscribers.withLock { Array(($0[jobID] ?? [:]).values) }
        }
        for continuation in continuations {
            continuation.yield(event)
            if case .finished = event { continuation.finish() }
        }
    }
}
