#if GATEWAY_POSTGRES
import Foundation
import Logging
import ServiceLifecycle

/// Keeps this instance's lease on the shared database and cleans up after dead instances: every `interval` it
/// renews the heartbeat and, independently, releases the reservations of instances whose lease expired (settling
/// what they recorded) and interrupts their unfinished jobs, so no hold is permanent and no job is left running on
/// nobody.
struct LeaseKeeper: Service {
    let ledger: PostgresQuotaLedger
    let store: any JobStore
    let hub: JobEventHub
    let interval: Duration
    let now: @Sendable () -> Date
    let logger: Logger

    func run() async {
        await cancelWhenGracefulShutdown {
            // Two loops, so a sweep queued behind a burst of requests never delays the heartbeat.
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while !Task.isCancelled {
                        await renew()
                        try? await Task.sleep(for: interval)
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        await sweep()
                        try? await Task.sleep(for: interval)
                    }
                }
            }
        }
    }

    /// Renews this instance's lease.
    func renew() async {
        do {
            try await ledger.heartbeat()
        } catch {
            logger.warning("could not renew this instance's lease", metadata: ["error": "\(error)"])
        }
    }

    /// Releases what instances whose lease expired left behind.
    func sweep() async {
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
#endif
