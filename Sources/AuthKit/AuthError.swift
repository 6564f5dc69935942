/// Why an ID token was refused, with a stable machine-readable `reason` callers can switch on and log.
public struct AuthError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable, Hashable {
        case malformed = "malformed"
        case tokenTooLarge = "token_too_large"
        case unsupportedAlgorithm = "unsupported_algorithm"
        case forbiddenHeader = "forbidden_header"
        case unsupportedCriticalHeader = "unsupported_critical_header"
        case unknownKey = "unknown_key"
        case badSignature = "bad_signature"
        case invalidClaim = "invalid_claim"
        case expired = "expired"
        case notYetValid = "not_yet_valid"
        case issuedInFuture = "issued_in_future"
        case lifetimeTooLong = "lifetime_too_long"
        case wrongIssuer = "wrong_issuer"
        case wrongAudience = "wrong_audience"
        case wrongHostedDomain = "wrong_hosted_domain"
        case emailNotVerified = "email_not_verified"
        case keySetUnavailable = "key_set_unavailable"
    }

    private let code: Code
    /// What was wrong, for logs; never contains the token itself.
    public let detail: String

    private init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// Not a compact JWS with strict base64url JSON segments, or its header is unusable.
    public static func malformed(_ detail: String) -> Self { .init(.malformed, detail) }
    /// The token or one of its segments exceeds the size caps.
    public static func tokenTooLarge(_ detail: String) -> Self { .init(.tokenTooLarge, detail) }
    /// `alg` is anything other than `RS256` (including `none` and HMAC algorithms).
    public static func unsupportedAlgorithm(_ detail: String) -> Self { .init(.unsupportedAlgorithm, detail) }
    /// The header carries `jwk`, `jku`, `x5u` or `x5c`, which are never followed.
    public static func forbiddenHeader(_ detail: String) -> Self { .init(.forbiddenHeader, detail) }
    /// The header lists `crit` extensions this verifier does not implement.
    public static func unsupportedCriticalHeader(_ detail: String) -> Self {
        .init(.unsupportedCriticalHeader, detail)
    }
    /// The `kid` is not in the issuer's key set, even after an allowed refresh.
    public static func unknownKey(_ detail: String) -> Self { .init(.unknownKey, detail) }
    /// The RS256 signature does not verify with the key named by `kid`.
    public static func badSignature(_ detail: String) -> Self { .init(.badSignature, detail) }
    /// A required claim is missing or has the wrong JSON type (e.g. `exp` as a string or a float).
    public static func invalidClaim(_ detail: String) -> Self { .init(.invalidClaim, detail) }
    /// `exp` (plus leeway) has passed.
    public static func expired(_ detail: String) -> Self { .init(.expired, detail) }
    /// `nbf` (minus leeway) is still in the future.
    public static func notYetValid(_ detail: String) -> Self { .init(.notYetValid, detail) }
    /// `iat` (minus leeway) is in the future.
    public static func issuedInFuture(_ detail: String) -> Self { .init(.issuedInFuture, detail) }
    /// `exp - iat` exceeds the issuer's maximum token lifetime.
    public static func lifetimeTooLong(_ detail: String) -> Self { .init(.lifetimeTooLong, detail) }
    /// `iss` is not one of the configured issuers' values.
    public static func wrongIssuer(_ detail: String) -> Self { .init(.wrongIssuer, detail) }
    /// `aud` holds none of the configured client ids.
    public static func wrongAudience(_ detail: String) -> Self { .init(.wrongAudience, detail) }
    /// `hd` is missing or not in the issuer's hosted-domain allow list.
    public static func wrongHostedDomain(_ detail: String) -> Self { .init(.wrongHostedDomain, detail) }
    /// The issuer requires a verified email and the token has none.
    public static func emailNotVerified(_ detail: String) -> Self { .init(.emailNotVerified, detail) }
    /// No key set could be fetched for the issuer and none is cached.
    public static func keySetUnavailable(_ detail: String) -> Self { .init(.keySetUnavailable, detail) }

    /// The stable machine-readable code, e.g. `bad_signature`.
    public var reason: String { code.rawValue }

    public var description: String { "ID token refused (\(code.rawValue)): \(detail)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
