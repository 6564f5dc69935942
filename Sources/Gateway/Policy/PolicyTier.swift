/// A named level of service: the limits its users get and the providers their jobs go to.
public struct PolicyTier: Sendable, Hashable {
    public var name: String
    /// Free text for people reading the policy and the admin API.
    public var summary: String?
    public var limits: QuotaLimits
    /// Provider names in failover order: the router tries the first, then the next.
    public var providerChain: [String]
    /// Where the tier is defined.
    public var location: PolicyLocation

    public init(
        name: String, summary: String? = nil, limits: QuotaLimits, providerChain: [String],
        location: PolicyLocation
    ) {
        self.name = name
        self.summary = summary
        self.limits = limits
        self.providerChain = providerChain
        self.location = location
    }
}
