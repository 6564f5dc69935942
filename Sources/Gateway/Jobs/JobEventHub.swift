import Foundation
import Synchronization

/// Fans a job's events out to whoever is listening, in memory. A `finished` event ends every stream of the job.
/// It also keeps a running job's way through the providers (`attempting`, `attemptFailed`; at most
/// `routeHistoryLimit` events), so a late listener learns which providers failed and which one it is on.
final class JobEventHub: Sendable {
    private let subscribers = Mutex<[JobID: [UUID: AsyncStream<JobEvent>.Continuation]]>([:])
    private let routes = Mutex<[JobID: [JobEvent]]>([:])
    private let routeHistoryLimit = 32

    /// The provider events of a running job so far, oldest first.
    func route(of jobID: JobID) -> [JobEvent] {
        routes.withLock { $0[jobID] ?? [] }
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
            routes.withLock { table in
                if table[jobID, default: []].count < routeHistoryLimit { table[jobID, default: []].append(event) }
            }
        case .finished: _ = routes.withLock { $0.removeValue(forKey: jobID) }
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
