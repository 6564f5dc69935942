import AuthKit

extension Policy {
    /// Decides blocked, admin and tier for a verified token's identity.
    public func resolve(_ identity: Identity) -> PolicyResolution {
        resolve(
            email: identity.email, emailVerified: identity.emailVerified, hostedDomain: identity.hostedDomain,
            subject: identity.subject)
    }
}
