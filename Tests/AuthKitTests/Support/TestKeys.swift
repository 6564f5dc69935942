import AuthKit

/// Keys generated once per test run (RSA key generation is slow).
enum TestKeys {
    static let primary = try! DevSigningKey.generate(bits: 2048, keyID: "primary-key")
    static let other = try! DevSigningKey.generate(bits: 2048, keyID: "other-key")
    static let weak = try! DevSigningKey.generate(bits: 1024, keyID: "weak-key")
}

/// Claims and verifiers for the token-rule tests.
enum Fixture {
    static let clientID = "client-123.apps.googleusercontent.com"
    static let now: Int64 = 1_800_000_000

    /// Valid Google-style claims at `now`, with `overrides` applied (a `nil` value removes the claim).
    static func claims(_ overrides: [String: JSONValue?] = [:]) -> [String: JSONValue] {
        var claims: [String: JSONValue] = [
            "iss": "https://accounts.google.com", "aud": .string(clientID), "sub": "110169484474386276334",
            "email": "ada@example.com", "email_verified": true, "hd": "example.com", "name": "Ada",
            "iat": .integer(now - 10), "exp": .integer(now + 3590),
        ]
        for (name, value) in overrides { claims[name] = value }
        return claims
    }

    static func token(_ overrides: [String: JSONValue?] = [:], key: DevSigningKey = TestKeys.primary) -> String {
        try! key.sign(claims: claims(overrides))
    }

    /// A verifier trusting Google-style tokens signed by `keys`, with the cache off unless given.
    static func verifier(
        configuration: IssuerConfiguration = .google(clientIDs: [clientID]),
        keys: [DevSigningKey] = [TestKeys.primary], clock: ManualClock = ManualClock(now),
        tokenCache: VerifiedTokenCache? = nil
    ) -> IDTokenVerifier {
        let cache = KeySetCache(source: CountingKeySetSource(keys: keys), clock: clock)
        return IDTokenVerifier(
            issuers: [TrustedIssuer(configuration: configuration, keySet: cache)], clock: clock, tokenCache: tokenCache)
    }

    /// The reason `token` is refused with, or "accepted".
    static func outcome(_ token: String, verifier: IDTokenVerifier = verifier()) async -> String {
        do {
            _ = try await verifier.verify(token)
            return "accepted"
        } catch {
            return error.reason
        }
    }
}
