import Foundation
import ServiceLifecycle

/// Passes other instances' job news to this one: their jobs' progress and ends go to this instance's event hub
/// (for streams and waits opened here), and cancel requests stop the job if it runs here.
struct JobSignalRelay: Service {
    let channel: any JobSignalChannel
    let store: any JobStore
    let runner: JobRunner
    let hub: JobEventHub

    func run() async {
        await cancelWhenGracefulShutdown {
            for await signal in channel.signals {
                switch signal {
                case .started(let id): hub.publish(.started, for: id)
                case .progress(let id, let step, let total): hub.publish(.progress(step: step, total: total), for: id)
                case .finished(let id):
                    if let job = try? await store.job(id) { hub.publish(.finished(job), for: id) }
                case .cancelRequested(let id): _ = runner.cancelRunning(id)
                }
            }
        }
    }
}
