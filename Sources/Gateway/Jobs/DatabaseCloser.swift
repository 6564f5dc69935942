import ServiceLifecycle

/// Closes the gateway's store at shutdown, once the job runner has closed every job (even when the group is
/// cancelled rather than shut down gracefully, so a job's last writes are not lost).
struct DatabaseCloser: Service {
    let store: GatewayStore
    let runner: JobRunner

    func run() async {
        try? await gracefulShutdown()
        await runner.waitUntilStopped()
        await store.close()
    }
}
