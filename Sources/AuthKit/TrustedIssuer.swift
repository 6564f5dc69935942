/// An issuer's configuration together with the cache of its key set.
public struct TrustedIssuer: Sendable {
    public var configuration: IssuerConfiguration
    public var keySet: KeySetCache

    public init(configuration: IssuerConfiguration, keySet: KeySetCache) {
        self.configuration = configuration
        self.keySet = keySet
    }
}
