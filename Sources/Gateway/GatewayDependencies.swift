import AuthKit
import Foundation

/// What `buildApplication` plugs in besides the configuration; production defaults, replaced by tests.
public struct GatewayDependencies: Sendable {
    /// Provider adapters by kind, added to or replacing the built-in ones (tests inject their test double here).
    public var providerFactories: [ProviderKind: ProviderFactory]
    /// The dev issuer's key; nil makes a fresh one when dev sign-in is on.
    public var devSigningKey: DevSigningKey?
    /// How remote issuers' key sets are fetched (by JWKS URL); nil leaves remote issuers out.
    public var keySetSource: (@Sendable (String) -> any KeySetSource)?
    /// The wall clock for quotas, tokens and job times.
    public var now: @Sendable () -> Date
    /// Where metrics go; a fresh registry by default.
    public var metrics: GatewayMetrics
    /// How often expired jobs are swept.
    public var janitorInterval: Duration

    public init(
        providerFactories: [ProviderKind: ProviderFactory] = [:], devSigningKey: DevSigningKey? = nil,
        keySetSource: (@Sendable (String) -> any KeySetSource)? = nil, now: @escaping @Sendable () -> Date = { Date() },
        metrics: GatewayMetrics = GatewayMetrics(), janitorInterval: Duration = .seconds(3600)
    ) {
        self.providerFactories = providerFactories
        self.devSigningKey = devSigningKey
        self.keySetSource = keySetSource
        self.now = now
        self.metrics = metrics
        self.janitorInterval = janitorInterval
    }
}

/// AuthKit's wall clock read from the gateway's injected clock.
struct InjectedWallClock: WallClock {
    let read: @Sendable () -> Date

    func now() -> Int64 {
        Int64(read().timeIntervalSince1970.rounded(.down))
    }
}
