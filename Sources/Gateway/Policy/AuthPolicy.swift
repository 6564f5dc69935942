/// Which token issuers the gateway accepts sign-ins from (`auth:`).
public struct AuthPolicy: Sendable, Hashable {
    /// Google Sign-In; `nil` when the policy has no `google:` section (Google sign-in off).
    public var google: GoogleSignInPolicy?
    /// Other OpenID Connect issuers, such as the local dev issuer.
    public var issuers: [IssuerPolicy]

    public init(google: GoogleSignInPolicy? = nil, issuers: [IssuerPolicy] = []) {
        self.google = google
        self.issuers = issuers
    }
}

/// Google Sign-In settings (`auth.google`).
public struct GoogleSignInPolicy: Sendable, Hashable {
    /// OAuth client ids a token's `aud` must be one of.
    public var clientIDs: [String]
    /// Workspace domains a token's `hd` must be one of; empty admits any Google account.
    public var hostedDomains: [String]
    public var location: PolicyLocation

    public init(clientIDs: [String], hostedDomains: [String] = [], location: PolicyLocation) {
        self.clientIDs = clientIDs
        self.hostedDomains = hostedDomains
        self.location = location
    }
}

/// An extra OpenID Connect issuer (`auth.issuers[]`): its accepted `iss` values, key set and audiences.
public struct IssuerPolicy: Sendable, Hashable {
    public var name: String
    /// Accepted values of the token's `iss` claim.
    public var issuers: [String]
    /// Where the issuer publishes its JSON Web Key Set.
    public var jwksURL: String
    /// OAuth client ids a token's `aud` must be one of.
    public var clientIDs: [String]
    public var location: PolicyLocation

    public init(name: String, issuers: [String], jwksURL: String, clientIDs: [String], location: PolicyLocation) {
        self.name = name
        self.issuers = issuers
        self.jwksURL = jwksURL
        self.clientIDs = clientIDs
        self.location = location
    }
}
