/// Who a verified ID token says the caller is.
public struct Identity: Sendable, Hashable, Codable {
    /// The issuer's stable user id (`sub`); never reused, unlike an email address.
    public var subject: String
    public var email: String?
    public var emailVerified: Bool
    /// Google Workspace domain (`hd`), when the account belongs to one.
    public var hostedDomain: String?
    public var name: String?
    /// The `iss` claim as the token carried it.
    public var issuer: String

    public init(
        subject: String, email: String? = nil, emailVerified: Bool = false,
        hostedDomain: String? = nil, name: String? = nil, issuer: String
    ) {
        self.subject = subject
        self.email = email
        self.emailVerified = emailVerified
        self.hostedDomain = hostedDomain
        self.name = name
        self.issuer = issuer
    }
}
