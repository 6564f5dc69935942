import Foundation
import Logging
import ServiceLifecycle

/// Keeps this instance's lease on the shared database and cleans up after dead instances: every `interval` it
/// renews the heartbeat, releases the reservations of instances whose lease expired (settling what they recorded),
/// and interrupts their unfinished jobs, so no hold is permanent and no job is left running on nobody.
struct LeaseKeeper: Service {
    let ledger: PostgresQuotaLedger
    let store: any JobStore
    let hub: JobEventHub
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await beat()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One round: heartbeat, then recovery.
    func beat() async {
        do {
            try await ledger.heartbeat()
        } catch {
            logger.warning("could not renew this instance's lease", metadata: ["error": "\(error)"])
        }
        do {
            let released = try await ledger.recoverOrphans(now: now())
            let interrupted = try await store.interruptOrphans(at: now())
            for reservation in released {
                if let job = try? await store.job(reservation.jobID) { hub.publish(.finished(job), for: job.id) }
            }
            if !released.isEmpty || interrupted > 0 {
                logger.notice(
                    "released what a stopped instance left",
                    metadata: ["reservations": "\(released.count)", "jobs_interrupted": "\(interrupted)"])
            }
        } catch {
            logger.warning("could not release expired leases", metadata: ["error": "\(error)"])
        }
    }
}
