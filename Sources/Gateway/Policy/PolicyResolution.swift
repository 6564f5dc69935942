/// What the policy says about one signed-in identity: blocked or not, admin or not, and its tier.
public struct PolicyResolution: Sendable, Hashable {
    /// The tier the identity gets; `nil` when it is blocked or no rule matched it.
    public var tier: PolicyTier?
    /// The rule that chose the tier (first match wins); `nil` when none matched or the identity is blocked.
    public var matchedRule: TierRule?
    /// Whether the identity may use the admin API. Always false for a blocked identity.
    public var isAdmin: Bool
    /// Where the `blocks:` entry naming this identity is written; `nil` when it is not blocked.
    public var blockedBy: PolicyLocation?

    public init(tier: PolicyTier?, matchedRule: TierRule?, isAdmin: Bool, blockedBy: PolicyLocation?) {
        self.tier = tier
        self.matchedRule = matchedRule
        self.isAdmin = isAdmin
        self.blockedBy = blockedBy
    }

    public var isBlocked: Bool { blockedBy != nil }
    /// Whether the identity may submit jobs at all: not blocked and given a tier.
    public var isAllowed: Bool { tier != nil && !isBlocked }
    /// The tier's limits; `nil` when there is no tier.
    public var limits: QuotaLimits? { tier?.limits }
    /// Provider names in failover order; empty when there is no tier.
    public var providerChain: [String] { tier?.providerChain ?? [] }
}
