/// What one policy file contributes to the whole set, before the cross-file checks.
struct PolicyFragment: Sendable {
    /// A name one entry uses for another (a tier's provider, a rule's tier), with where it is written.
    struct Reference: Sendable {
        var name: String
        var location: PolicyLocation
    }

    /// Every tier and provider name as soon as it parses, even when the rest of its entry is invalid, so
    /// one mistake does not also show up as "unknown tier" wherever the name is used.
    var tierNames: [Reference] = []
    var providerNames: [Reference] = []
    var tiers: [PolicyTier] = []
    var rules: [TierRule] = []
    /// The provider names in tier chains, for the unknown-provider check.
    var providerReferences: [Reference] = []
    /// The tier names rules use, for the unknown-tier check.
    var tierReferences: [Reference] = []
    var admins = IdentityList()
    var blocks = IdentityList()
    var providers: [ProviderDefinition] = []
    var network: NetworkPolicy?
    var networkLocation: PolicyLocation?
    var auth: AuthPolicy?
    var authLocation: PolicyLocation?
}
