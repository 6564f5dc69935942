import AuthKit
import Foundation

/// What `buildApplication` plugs in besides the configuration; production defaults, replaced by tests.
public struct GatewayDependencies: Sendable {
    /// Provider adapters by kind, added to or replacing the built-in ones (tests inject their test double here).
    public var providerFactories: [ProviderKind: ProviderFactory]
    /// The dev issuer's key; nil makes a fresh one when dev sign-in is on.
    public var devSigningKey: DevSigningKey?
    /// How remote issuers' key sets are fetched, by JWKS URL (HTTP through HTTPClient by default).
    public var keySetSource: @Sendable (String) -> any KeySetSource
    /// The wall clock for quotas, tokens and job times.
    public var now: @Sendable () -> Date
    /// Where metrics go; a fresh registry by default.
    public var metrics: GatewayMetrics
    /// How often expired jobs are swept.
    public var janitorInterval: Duration
    /// How often the policy folder is checked for edits.
    public var policyWatchInterval: Duration
    /// Reload the policy on SIGHUP (off in tests, which share one process).
    public var reloadOnSIGHUP: Bool

    public init(
        providerFactories: [ProviderKind: ProviderFactory] = [:], devSigningKey: DevSigningKey? = nil,
        keySetSource: @escaping @Sendable (String) -> any KeySetSource = { HTTPKeySetSource(url: $0) },
        now: @escaping @Sendable () -> Date = { Date() }, metrics: GatewayMetrics = GatewayMetrics(),
        janitorInterval: Duration = .seconds(3600), policyWatchInterval: Duration = .seconds(2),
        reloadOnSIGHUP: Bool = true
    ) {
        self.providerFactories = providerFactories
        self.devSigningKey = devSigningKey
        self.keySetSource = keySetSource
        self.now = now
        self.metrics = metrics
        self.janitorInterval = janitorInterval
        self.policyWatchInterval = policyWatchInterval
        self.reloadOnSIGHUP = reloadOnSIGHUP
    }
}

/// AuthKit's wall clock read from the gateway's injected clock.
struct InjectedWallClock: WallClock {
    let read: @Sendable () -> Date

    func now() -> Int64 {
        Int64(read().timeIntervalSince1970.rounded(.down))
    }
}
