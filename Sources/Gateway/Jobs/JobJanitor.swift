import Foundation
import Logging
import ServiceLifecycle

/// Deletes jobs (and their images) that finished longer ago than the retention period, every `interval`,
/// until graceful shutdown.
struct JobJanitor: Service {
    let store: any JobStore
    let retention: Duration
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweep()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One pass: deletes what has expired and returns how many jobs went.
    @discardableResult
    func sweep() async -> Int {
        let cutoff = now().addingTimeInterval(-retention.seconds)
        do {
            let deleted = try await store.deleteFinished(before: cutoff)
            if deleted > 0 { logger.info("expired jobs deleted", metadata: ["count": "\(deleted)"]) }
            return deleted
        } catch {
            logger.error("job cleanup failed", metadata: ["error": "\(error)"])
            return 0
        }
    }
}
