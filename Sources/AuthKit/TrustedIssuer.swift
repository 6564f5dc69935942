import HTTPClient
import Logging

/// An issuer's configuration together with the cache of its key set.
public struct TrustedIssuer: Sendable {
    public var configuration: IssuerConfiguration
    public var keySet: KeySetCache

    public init(configuration: IssuerConfiguration, keySet: KeySetCache) {
        self.configuration = configuration
        self.keySet = keySet
    }
}

extension TrustedIssuer {
    /// An issuer whose key set is fetched from its configured `keySetURL` with `client`.
    public init(
        configuration: IssuerConfiguration, client: HTTPClient = .shared, clock: any WallClock = SystemWallClock(),
        policy: KeySetCachePolicy = KeySetCachePolicy(), logger: Logger = Logger(label: "AuthKit.KeySetCache")
    ) {
        let source = HTTPKeySetSource(url: configuration.keySetURL, client: client)
        self.init(
            configuration: configuration,
            keySet: KeySetCache(source: source, clock: clock, policy: policy, logger: logger))
    }
}
