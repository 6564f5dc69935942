/// A validated set of policy files: tiers, who gets which tier, admins, blocks, network rules, providers
/// and sign-in issuers. Immutable; a reload builds a new one and swaps it in whole.
public struct Policy: Sendable {
    /// Tiers in the order the files define them.
    public let tiers: [PolicyTier]
    /// The `users:` rules in order (files by name, then position in the file); the first match wins.
    public let rules: [TierRule]
    public let admins: IdentityList
    public let blocks: IdentityList
    public let network: NetworkPolicy
    /// Providers in the order the files define them.
    public let providers: [ProviderDefinition]
    public let auth: AuthPolicy
    /// The files the policy was read from, by name, in load order.
    public let files: [String]
    /// Problems worth a look that did not stop the policy from loading.
    public internal(set) var warnings: [PolicyDiagnostic]

    private let tiersByName: [String: PolicyTier]
    private let providersByName: [String: ProviderDefinition]
    private let ruleIndex: TierRuleIndex

    init(
        tiers: [PolicyTier], rules: [TierRule], admins: IdentityList, blocks: IdentityList, network: NetworkPolicy,
        providers: [ProviderDefinition], auth: AuthPolicy, files: [String], warnings: [PolicyDiagnostic],
        ruleIndex: TierRuleIndex
    ) {
        self.tiers = tiers
        self.rules = rules
        self.admins = admins
        self.blocks = blocks
        self.network = network
        self.providers = providers
        self.auth = auth
        self.files = files
        self.warnings = warnings
        self.ruleIndex = ruleIndex
        self.tiersByName = Dictionary(tiers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.providersByName = Dictionary(providers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func tier(named name: String) -> PolicyTier? { tiersByName[name] }

    public func provider(named name: String) -> ProviderDefinition? { providersByName[name] }

    /// Decides blocked, admin and tier for a signed-in identity. Pure and constant-time in the number of rules.
    ///
    /// `email` and `email_domain` rules and admin emails only consider an email the issuer marks verified, so an
    /// unverified address can reach nothing but `hosted_domain`, `subject` and `default` rules. Blocks apply to
    /// any email the token carries, verified or not. Emails compare without regard to case.
    public func resolve(email: String?, emailVerified: Bool, hostedDomain: String?, subject: String?)
        -> PolicyResolution
    {
        let email = email?.lowercased()
        if let blockedBy = blocks.match(lowercasedEmail: email, subject: subject) {
            return PolicyResolution(tier: nil, matchedRule: nil, isAdmin: false, blockedBy: blockedBy)
        }
        let verifiedEmail = emailVerified ? email : nil
        let isAdmin = admins.match(lowercasedEmail: verifiedEmail, subject: subject) != nil
        guard
            let position = ruleIndex.firstMatch(
                verifiedEmail: verifiedEmail, hostedDomain: hostedDomain, subject: subject)
        else {
            return PolicyResolution(tier: nil, matchedRule: nil, isAdmin: isAdmin, blockedBy: nil)
        }
        let rule = rules[position]
        return PolicyResolution(tier: tiersByName[rule.tier], matchedRule: rule, isAdmin: isAdmin, blockedBy: nil)
    }
}
