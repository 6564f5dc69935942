/// The rules a JWK must pass before its key may verify tokens, and its conversion to an `RSAPublicKey`.
enum JSONWebKey {
    /// The key id and key of one JWKS entry: `kty` RSA, `use` (if present) `sig`, `alg` (if present) RS256,
    /// `key_ops` (if present) including `verify`, strict base64url `n`/`e`, and at least `minimumBits`.
    static func rsaKey(from jwk: [String: JSONValue], minimumBits: Int) throws(KeySetError) -> (
        kid: String, key: RSAPublicKey
    ) {
        guard jwk["kty"]?.stringValue == "RSA" else { throw KeySetError("kty is not RSA") }
        guard let kid = jwk["kid"]?.stringValue, !kid.isEmpty else { throw KeySetError("kid missing") }
        if let use = jwk["use"], use.stringValue != "sig" { throw KeySetError("key \(kid): use is not sig") }
        if let alg = jwk["alg"], alg.stringValue != "RS256" { throw KeySetError("key \(kid): alg is not RS256") }
        if let operations = jwk["key_ops"] {
            guard let list = operations.arrayValue, list.contains(.string("verify")) else {
                throw KeySetError("key \(kid): key_ops lacks verify")
            }
        }
        guard let n = jwk["n"]?.stringValue, let modulus = Base64URL.decode(n),
            let e = jwk["e"]?.stringValue, let exponent = Base64URL.decode(e)
        else { throw KeySetError("key \(kid): n or e is not strict base64url") }
        let key = try RSAPublicKey(modulus: modulus, exponent: exponent)
        guard key.bits >= minimumBits else {
            throw KeySetError("key \(kid): \(key.bits)-bit modulus is below \(minimumBits) bits")
        }
        return (kid, key)
    }
}
