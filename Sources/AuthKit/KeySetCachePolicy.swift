/// How a `KeySetCache` decides when to fetch.
public struct KeySetCachePolicy: Sendable, Hashable {
    /// Lifetime used when the source states no `max-age`, in seconds.
    public var defaultLifetimeSeconds: Int64
    /// Upper bound on a stated lifetime, in seconds.
    public var maximumLifetimeSeconds: Int64
    /// Share of the lifetime after which a background refresh starts (0.9 = when 90% has passed).
    public var earlyRefreshFraction: Double
    /// Least time between two fetches caused by unknown `kid`s, expiry or failures, in seconds.
    public var minimumRefetchIntervalSeconds: Int64
    /// Smallest modulus accepted from the document, in bits.
    public var minimumKeyBits: Int

    public init(
        defaultLifetimeSeconds: Int64 = 3600, maximumLifetimeSeconds: Int64 = 7 * 24 * 3600,
        earlyRefreshFraction: Double = 0.9, minimumRefetchIntervalSeconds: Int64 = 30,
        minimumKeyBits: Int = RSAPublicKey.minimumTokenKeyBits
    ) {
        self.defaultLifetimeSeconds = defaultLifetimeSeconds
        self.maximumLifetimeSeconds = maximumLifetimeSeconds
        self.earlyRefreshFraction = earlyRefreshFraction
        self.minimumRefetchIntervalSeconds = minimumRefetchIntervalSeconds
        self.minimumKeyBits = minimumKeyBits
    }
}
