import AuthKit
import Foundation

/// The development sign-in: a local RSA key that mints ID tokens for any email, published as a JWKS and trusted
/// through the same `IDTokenVerifier` path as Google. Its key set is handed to the key-set cache directly
/// (a `StaticKeySetSource`), not fetched over HTTP. Loopback only; `serve --dev` turns it on.
public struct DevIssuer: Sendable {
    /// The audience (`aud`) of dev tokens, as the shipped policy's dev issuer lists it.
    public static let audience = "diffusion-gateway-dev"

    public let key: DevSigningKey
    /// The `iss` of dev tokens: `http://<host>:<port>/dev`.
    public let issuer: String
    /// How long a minted token lives.
    public let tokenLifetimeSeconds: Int64

    public init(key: DevSigningKey, host: String, port: Int, tokenLifetimeSeconds: Int64 = 3600) {
        self.key = key
        self.issuer = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/dev"
        self.tokenLifetimeSeconds = tokenLifetimeSeconds
    }

    /// The issuer as the verifier trusts it.
    func trustedIssuer(clock: any WallClock) -> TrustedIssuer {
        TrustedIssuer(
            configuration: IssuerConfiguration(
                issuers: [issuer], keySetURL: issuer + "/jwks.json", audiences: [Self.audience]),
            keySet: KeySetCache(source: StaticKeySetSource(keys: [key], maxAge: 24 * 3600), clock: clock))
    }

    /// A signed ID token for `email` (verified), with a subject derived from the email so it is stable.
    public func token(email: String, name: String? = nil, now: Int64, extraClaims: [String: JSONValue] = [:]) throws
        -> String
    {
        var claims: [String: JSONValue] = [
            "iss": .string(issuer), "aud": .string(Self.audience), "sub": .string(Self.subject(for: email)),
            "email": .string(email), "email_verified": .bool(true), "iat": .integer(now),
            "exp": .integer(now + tokenLifetimeSeconds),
        ]
        if let name { claims["name"] = .string(name) }
        claims.merge(extraClaims) { _, extra in extra }
        return try key.sign(claims: claims)
    }

    /// `dev-` and a hash of the lowercased email.
    static func subject(for email: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in email.lowercased().utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return "dev-" + String(hash, radix: 16)
    }
}
