/// The claim rules of an OpenID Connect ID token, applied after the signature has been verified.
enum IDTokenClaims {
    /// The identity the claims describe and when the token stops being valid, or the first rule it breaks.
    static func identity(
        from claims: [String: JSONValue], configuration: IssuerConfiguration, now: Int64
    ) throws(AuthError) -> (identity: Identity, expiresAt: Int64) {
        guard let issuer = claims["iss"]?.stringValue, configuration.issuers.contains(issuer) else {
            throw .wrongIssuer("iss is not one of the issuer's values")
        }
        try checkAudience(claims["aud"], configuration: configuration)
        let leeway = configuration.leewaySeconds
        let expiresAt = try integerClaim("exp", in: claims, required: true)!
        let issuedAt = try integerClaim("iat", in: claims, required: true)!
        let notBefore = try integerClaim("nbf", in: claims, required: false)
        guard now < expiresAt.addingClamped(leeway) else { throw .expired("exp has passed") }
        if let notBefore, now.addingClamped(leeway) < notBefore { throw .notYetValid("nbf is in the future") }
        guard issuedAt <= now.addingClamped(leeway) else { throw .issuedInFuture("iat is in the future") }
        guard expiresAt >= issuedAt else { throw .invalidClaim("exp is before iat") }
        let (lifetime, overflow) = expiresAt.subtractingReportingOverflow(issuedAt)
        guard !overflow, lifetime <= configuration.maxLifetimeSeconds else {
            throw .lifetimeTooLong("exp - iat exceeds \(configuration.maxLifetimeSeconds) seconds")
        }
        guard let subject = claims["sub"]?.stringValue, !subject.isEmpty,
            subject.utf8.count <= configuration.maxSubjectBytes
        else { throw .invalidClaim("sub must be a non-empty string of at most \(configuration.maxSubjectBytes) bytes") }
        let hostedDomain = try optionalString("hd", in: claims)
        if !configuration.hostedDomains.isEmpty {
            guard let hostedDomain, configuration.hostedDomains.contains(hostedDomain) else {
                throw .wrongHostedDomain("hd is missing or not an allowed hosted domain")
            }
        }
        let email = try optionalString("email", in: claims)
        let emailVerified: Bool
        switch claims["email_verified"] {
        case nil: emailVerified = false
        case .bool(let value): emailVerified = value
        default: throw .invalidClaim("email_verified must be a JSON boolean")
        }
        if configuration.requireVerifiedEmail, email == nil || !emailVerified {
            throw .emailNotVerified("the issuer requires a verified email address")
        }
        let identity = Identity(
            subject: subject, email: email, emailVerified: emailVerified, hostedDomain: hostedDomain,
            name: try optionalString("name", in: claims), issuer: issuer)
        return (identity, expiresAt)
    }

    private static func checkAudience(_ claim: JSONValue?, configuration: IssuerConfiguration) throws(AuthError) {
        let audiences: [String]
        switch claim {
        case .string(let audience):
            audiences = [audience]
        case .array(let elements) where !elements.isEmpty:
            audiences = try elements.map { element throws(AuthError) in
                guard let audience = element.stringValue else {
                    throw AuthError.invalidClaim("aud array holds a non-string")
                }
                return audience
            }
        default:
            throw .invalidClaim("aud must be a string or a non-empty array of strings")
        }
        guard audiences.contains(where: configuration.audiences.contains) else {
            throw .wrongAudience("aud names none of the configured client ids")
        }
    }

    private static func integerClaim(_ name: String, in claims: [String: JSONValue], required: Bool)
        throws(AuthError) -> Int64?
    {
        guard let value = claims[name] else {
            if required { throw .invalidClaim("\(name) is missing") }
            return nil
        }
        guard let integer = value.integerValue else {
            throw .invalidClaim("\(name) must be a JSON integer (seconds since the epoch)")
        }
        return integer
    }

    private static func optionalString(_ name: String, in claims: [String: JSONValue]) throws(AuthError) -> String? {
        guard let value = claims[name] else { return nil }
        guard let string = value.stringValue else { throw .invalidClaim("\(name) must be a string") }
        return string
    }
}

extension Int64 {
    fileprivate func addingClamped(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
