import LocalProvider
import ServiceLifecycle

/// Unloads local models that have been idle for their `idle_unload_seconds`, serverless-style, until
/// graceful shutdown. Works on whatever providers the policy in force has built.
struct ProviderUpkeep: Service {
    let catalog: ProviderCatalog
    let policies: PolicyStore
    let interval: Duration

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                let snapshot = catalog.snapshot(for: policies.policy.providers)
                for case let local as LocalImageProvider in snapshot.providers.values {
                    local.unloadIfIdle(now: .now)
                }
            }
        }
    }
}
