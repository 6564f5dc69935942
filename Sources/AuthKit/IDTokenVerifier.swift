import Synchronization

/// Verifies OpenID Connect ID tokens (Google's by default) signed with RS256: structure and header rules,
/// the signature against the issuer's key set, then the claims. Every refusal is an `AuthError`.
public final class IDTokenVerifier: Sendable {
    private let issuers: [TrustedIssuer]
    private let clock: any WallClock
    private let tokenCache: VerifiedTokenCache?
    private let limits: JWSLimits
    private let parser = StrictJSONParser()
    private let signatureCount = Atomic<Int>(0)

    /// A verifier trusting `issuers` (the first whose `iss` values contain a token's `iss` is used), reading time
    /// from `clock`, remembering verified tokens in `tokenCache` (nil disables it).
    public init(
        issuers: [TrustedIssuer], clock: any WallClock = SystemWallClock(),
        tokenCache: VerifiedTokenCache? = VerifiedTokenCache(), limits: JWSLimits = JWSLimits()
    ) {
        self.issuers = issuers
        self.clock = clock
        self.tokenCache = tokenCache
        self.limits = limits
    }

    /// RSA signature checks performed so far (cache hits perform none).
    public var signatureVerifications: Int { signatureCount.load(ordering: .relaxed) }

    /// The identity `token` proves, or why it proves nothing.
    public func verify(_ token: String) async throws(AuthError) -> Identity {
        if let tokenCache, let identity = tokenCache.identity(for: token, now: clock.now()) {
            return identity
        }
        let jws = try CompactJWS(parsing: token, limits: limits)
        let claims: [String: JSONValue]
        do {
            guard let object = try parser.parse(jws.payload).objectValue else {
                throw AuthError.malformed("payload is not a JSON object")
            }
            claims = object
        } catch let error as JSONParseError {
            throw .malformed("payload: \(error.message)")
        } catch {
            throw error as! AuthError
        }
        guard let issuerName = claims["iss"]?.stringValue,
            let issuer = issuers.first(where: { $0.configuration.issuers.contains(issuerName) })
        else { throw .wrongIssuer("iss names no configured issuer") }
        let now = clock.now()
        let key: RSAPublicKey
        if let fresh = issuer.keySet.freshKey(for: jws.keyID, now: now) {
            key = fresh
        } else {
            key = try await issuer.keySet.key(for: jws.keyID)
        }
        signatureCount.add(1, ordering: .relaxed)
        try jws.verifySignature(with: key)
        let (identity, expiresAt) = try IDTokenClaims.identity(
            from: claims, configuration: issuer.configuration, now: now)
        tokenCache?.insert(identity, for: token, expiresAt: expiresAt, now: now)
        return identity
    }
}
