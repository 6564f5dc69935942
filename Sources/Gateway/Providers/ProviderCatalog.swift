import Locking
import Providers

/// The providers of the policy in force and the router over them, rebuilt when a reload changes `providers:`.
/// Also answers what a job may cost at worst and which providers cannot be used, and why.
final class ProviderCatalog: Sendable {
    /// One build of the policy's providers.
    struct Snapshot: Sendable {
        var definitions: [ProviderDefinition]
        var router: ProviderRouter
        /// The providers that could be built, by name.
        var providers: [String: any ImageProvider]
        /// Reasons by provider name for providers that could not be built.
        var unusable: [String: String]

        func definition(_ name: String) -> ProviderDefinition? {
            definitions.first { $0.name == name }
        }
    }

    /// The total deadline of a provider whose entry names none.
    static let defaultTotalDeadlineSeconds = 120

    private let registry: ProviderRegistry
    private let current: LockedState<Snapshot?>

    init(registry: ProviderRegistry) {
        self.registry = registry
        current = LockedState(nil)
    }

    /// The build for `definitions`, reusing the last one when they are unchanged.
    func snapshot(for definitions: [ProviderDefinition]) -> Snapshot {
        current.withLock { current in
            if let current, current.definitions == definitions { return current }
            let (providers, unusable) = registry.build(definitions)
            var deadlines: [String: ProviderDeadlines] = [:]
            for definition in definitions {
                let total = definition.totalDeadlineSeconds ?? Self.defaultTotalDeadlineSeconds
                deadlines[definition.name] = ProviderDeadlines(
                    start: definition.startDeadlineSeconds.map { .seconds($0) }, total: .seconds(total))
            }
            let snapshot = Snapshot(
                definitions: definitions, router: ProviderRouter(providers: providers, deadlines: deadlines),
                providers: Dictionary(providers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }),
                unusable: unusable)
            current = snapshot
            return snapshot
        }
    }

    /// The worst case a job can cost on `chain`: the dearest provider's price per second times its total deadline.
    static func worstCaseMicros(chain: [String], in snapshot: Snapshot) -> Int64 {
        chain.compactMap(snapshot.definition).map { definition in
            let seconds = Int64(definition.totalDeadlineSeconds ?? defaultTotalDeadlineSeconds)
            let (product, overflow) = definition.pricePerSecondMicros.multipliedReportingOverflow(by: seconds)
            return overflow ? SQLiteQuotaLedger.maximumMicros : min(product, SQLiteQuotaLedger.maximumMicros)
        }.max() ?? 0
    }
}
