/// Everything the verifier trusts about one token issuer: its `iss` values, where its keys are, which
/// audiences and hosted domains are accepted, and how much clock skew and token lifetime are tolerated.
public struct IssuerConfiguration: Sendable, Hashable {
    /// Google's JWKS endpoint.
    public static let googleKeySetURL = "https://www.googleapis.com/oauth2/v3/certs"
    /// The two `iss` spellings Google uses.
    public static let googleIssuers: Set<String> = ["accounts.google.com", "https://accounts.google.com"]

    /// Accepted `iss` values; the verifier picks this configuration for a token whose `iss` is in the set.
    public var issuers: Set<String>
    /// The issuer's key set (a JWKS, or a kid -> PEM certificate map).
    public var keySetURL: String
    /// Accepted `aud` values (OAuth client ids); a token must name at least one. Empty refuses every token.
    public var audiences: Set<String>
    /// When non-empty, `hd` must be present and one of these.
    public var hostedDomains: Set<String>
    /// Clock skew tolerated on `exp`, `nbf` and `iat`, in seconds.
    public var leewaySeconds: Int64
    /// Longest accepted `exp - iat`, in seconds.
    public var maxLifetimeSeconds: Int64
    /// Refuse tokens without an `email` whose `email_verified` is `true` (set it when policies match on email).
    public var requireVerifiedEmail: Bool
    /// Longest accepted `sub`, in bytes.
    public var maxSubjectBytes: Int

    public init(
        issuers: Set<String>, keySetURL: String, audiences: Set<String>, hostedDomains: Set<String> = [],
        leewaySeconds: Int64 = 60, maxLifetimeSeconds: Int64 = 24 * 3600, requireVerifiedEmail: Bool = false,
        maxSubjectBytes: Int = 255
    ) {
        self.issuers = issuers
        self.keySetURL = keySetURL
        self.audiences = audiences
        self.hostedDomains = hostedDomains
        self.leewaySeconds = leewaySeconds
        self.maxLifetimeSeconds = maxLifetimeSeconds
        self.requireVerifiedEmail = requireVerifiedEmail
        self.maxSubjectBytes = maxSubjectBytes
    }

    /// Google Sign-In for the given OAuth client ids.
    public static func google(
        clientIDs: Set<String>, hostedDomains: Set<String> = [], requireVerifiedEmail: Bool = false
    ) -> IssuerConfiguration {
        IssuerConfiguration(
            issuers: googleIssuers, keySetURL: googleKeySetURL, audiences: clientIDs, hostedDomains: hostedDomains,
            requireVerifiedEmail: requireVerifiedEmail)
    }
}
