import Foundation
import ServiceLifecycle

/// Passes other instances' job news to this one: their jobs' progress and ends go to this instance's event hub
/// (for streams and waits opened here), and cancel requests stop the job if it runs here. Notifications sent while
/// the listening connection was being replaced are lost, so every `sweepInterval` the jobs someone here follows are
/// read back, and one that finished elsewhere ends its streams anyway.
struct JobSignalRelay: Service {
    let channel: any JobSignalChannel
    let store: any JobStore
    /// Stops a job if it runs in this process (the runner's `cancelRunning`).
    let cancelRunning: @Sendable (JobID) -> Void
    let hub: JobEventHub
    var sweepInterval: Duration = .seconds(5)

    func run() async {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await relaySignals() }
                group.addTask { await sweepFinishedJobs() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func relaySignals() async {
        for await signal in channel.signals {
            switch signal {
            case .started(let id): hub.publish(.started, for: id)
            case .progress(let id, let step, let total): hub.publish(.progress(step: step, total: total), for: id)
            case .finished(let id):
                if let job = try? await store.job(id) { hub.publish(.finished(job), for: id) }
            case .cancelRequested(let id): cancelRunning(id)
            }
        }
    }

    private func sweepFinishedJobs() async {
        while (try? await Task.sleep(for: sweepInterval)) != nil {
            for id in hub.followedJobs {
                if let job = try? await store.job(id), job.status.isFinished { hub.publish(.finished(job), for: id) }
            }
        }
    }
}
