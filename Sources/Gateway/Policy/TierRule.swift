/// One entry of `users:`: which identities it matches and the tier they get. The first matching rule wins.
public struct TierRule: Sendable, Hashable, CustomStringConvertible {
    /// What a rule compares against an identity.
    public enum Matcher: Sendable, Hashable, CustomStringConvertible {
        /// A verified email address, compared without regard to case (stored lowercased).
        case email(String)
        /// Every verified email address at exactly this domain (stored lowercased).
        case emailDomain(String)
        /// Every verified email address at any subdomain of this domain (`*.example.com`; stored without `*.`).
        case emailSubdomains(String)
        /// The Google Workspace domain of the account (the token's `hd` claim).
        case hostedDomain(String)
        /// The issuer's stable user id (`sub`).
        case subject(String)
        /// Every identity; the rule of last resort.
        case anyone

        public var description: String {
            switch self {
            case .email(let email): "email: \(email)"
            case .emailDomain(let domain): "email_domain: \(domain)"
            case .emailSubdomains(let domain): "email_domain: \"*.\(domain)\""
            case .hostedDomain(let domain): "hosted_domain: \(domain)"
            case .subject(let subject): "subject: \"\(subject)\""
            case .anyone: "default: true"
            }
        }
    }

    public var matcher: Matcher
    /// The tier's name; validation guarantees the tier exists.
    public var tier: String
    /// Free text for people reading the policy.
    public var note: String?
    /// Where the rule is written.
    public var location: PolicyLocation

    public init(matcher: Matcher, tier: String, note: String? = nil, location: PolicyLocation) {
        self.matcher = matcher
        self.tier = tier
        self.note = note
        self.location = location
    }

    /// `users.yaml:12:5 (email_domain: example.com -> team)`, as logs and `policy explain` show a rule.
    public var description: String { "\(location) (\(matcher) -> \(tier))" }
}
