/// Why a signing key could not be created, exported or used.
public struct SigningError: Error, Sendable, CustomStringConvertible {
    /// OpenSSL's explanation.
    public let message: String

    init(_ error: OpenSSLError) {
        message = error.message
    }

    public var description: String { "signing error: \(message)" }
}

/// An RSA private key that mints RS256 ID tokens, for a local development issuer and for tests; publishes its
/// public half as a JWK, a JWKS document, or a Google-style certificate map.
public struct DevSigningKey: Sendable {
    /// The `kid` this key signs with and publishes under.
    public let keyID: String
    let key: OpenSSLRSAKey
    private let modulus: [UInt8]
    private let exponent: [UInt8]

    private init(key: OpenSSLRSAKey, keyID: String?) throws(SigningError) {
        do {
            (modulus, exponent) = try key.publicComponents()
        } catch {
            throw SigningError(error)
        }
        self.key = key
        self.keyID = keyID ?? Self.thumbprint(modulus: modulus, exponent: exponent)
    }

    /// A fresh key (public exponent 65537); `keyID` defaults to the RFC 7638 thumbprint. Generation blocks for
    /// tens to hundreds of milliseconds, so call it off the request path.
    public static func generate(bits: Int = 2048, keyID: String? = nil) throws(SigningError) -> DevSigningKey {
        do {
            return try DevSigningKey(key: OpenSSLRSAKey.generate(bits: bits), keyID: keyID)
        } catch let error as OpenSSLError {
            throw SigningError(error)
        } catch {
            throw error as! SigningError
        }
    }

    /// A key loaded from PEM (as written by `privateKeyPEM()`).
    public init(privateKeyPEM: String, keyID: String? = nil) throws(SigningError) {
        let key: OpenSSLRSAKey
        do {
            key = try OpenSSLRSAKey(pemPrivateKey: privateKeyPEM)
        } catch {
            throw SigningError(error)
        }
        try self.init(key: key, keyID: keyID)
    }

    /// The private key as unencrypted PKCS#8 PEM; keep it secret.
    public func privateKeyPEM() throws(SigningError) -> String {
        do {
            return try key.privateKeyPEM()
        } catch {
            throw SigningError(error)
        }
    }

    /// Size of the modulus in bits.
    public var bits: Int { key.bits }

    /// The public key, as a verifier would load it.
    public var publicKey: RSAPublicKey { RSAPublicKey(key: key) }

    /// The public JWK: `kty`, `n`, `e`, `kid`, `alg` RS256, `use` sig.
    public var publicJWK: [String: JSONValue] {
        [
            "kty": "RSA", "n": .string(Base64URL.encode(modulus)), "e": .string(Base64URL.encode(exponent)),
            "kid": .string(keyID), "alg": "RS256", "use": "sig",
        ]
    }

    /// A JWKS document (`{"keys": [...]}`) holding this key's public JWK and any `additional` JWKs.
    public func keySetDocument(additional: [[String: JSONValue]] = []) -> [UInt8] {
        JSONValue.object(["keys": .array(([publicJWK] + additional).map(JSONValue.object))]).serialized()
    }

    /// A self-signed certificate for this key in PEM, valid between the two unix times.
    public func certificatePEM(notBefore: Int64, notAfter: Int64) throws(SigningError) -> String {
        do {
            return try key.selfSignedCertificatePEM(commonName: keyID, notBefore: notBefore, notAfter: notAfter)
        } catch {
            throw SigningError(error)
        }
    }

    /// A compact RS256 JWS of `claims` with the header `{"alg":"RS256","kid":...,"typ":"JWT"}`.
    public func sign(claims: [String: JSONValue]) throws(SigningError) -> String {
        try sign(header: ["alg": "RS256", "kid": .string(keyID), "typ": "JWT"], claims: claims)
    }

    /// A compact JWS of `claims` under exactly the given header, signed RS256 whatever the header says.
    public func sign(header: [String: JSONValue], claims: [String: JSONValue]) throws(SigningError) -> String {
        try sign(rawHeader: JSONValue.object(header).serialized(), rawPayload: JSONValue.object(claims).serialized())
    }

    /// A compact JWS of the given header and payload bytes (which need not be valid JSON), signed RS256.
    public func sign(rawHeader: [UInt8], rawPayload: [UInt8]) throws(SigningError) -> String {
        let signingInput = Base64URL.encode(rawHeader) + "." + Base64URL.encode(rawPayload)
        do {
            let signature = try key.signSHA256(Array(signingInput.utf8))
            return signingInput + "." + Base64URL.encode(signature)
        } catch {
            throw SigningError(error)
        }
    }

    private static func thumbprint(modulus: [UInt8], exponent: [UInt8]) -> String {
        let canonical = JSONValue.object([
            "e": .string(Base64URL.encode(exponent)), "kty": "RSA", "n": .string(Base64URL.encode(modulus)),
        ]).serialized()
        let words = canonical.withUnsafeBytes { OpenSSLRSAKey.sha256($0) }
        return withUnsafeBytes(of: words) { Base64URL.encode($0) }
    }
}
