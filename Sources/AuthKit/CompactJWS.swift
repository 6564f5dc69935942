/// A compact JWS (`header.payload.signature`) split, strictly decoded and its header checked against the
/// RS256-only rules; the signature is not checked until `verifySignature(with:)`.
public struct CompactJWS: Sendable {
    /// Header names that point at keys or certificates supplied by the sender; never followed, always refused.
    public static let forbiddenHeaders: Set<String> = ["jwk", "jku", "x5u", "x5c"]
    /// Longest `kid` accepted, in bytes.
    public static let maxKeyIDBytes = 256

    /// The decoded protected header.
    public let header: [String: JSONValue]
    /// The header's key id, checked to be short printable ASCII without `/` or `\`.
    public let keyID: String
    /// The decoded payload bytes (the claims JSON for an ID token).
    public let payload: [UInt8]
    /// The decoded signature bytes.
    public let signature: [UInt8]
    private let token: String
    private let signingInputLength: Int

    /// Splits and decodes `token`; throws `token_too_large`, `malformed`, `unsupported_algorithm`,
    /// `forbidden_header` or `unsupported_critical_header`.
    public init(parsing token: String, limits: JWSLimits = JWSLimits()) throws(AuthError) {
        let bytes = token.utf8
        guard bytes.count <= limits.maxTokenBytes else {
            throw .tokenTooLarge("token is \(bytes.count) bytes, the limit is \(limits.maxTokenBytes)")
        }
        let segments = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3 else {
            throw .malformed("a compact JWS has exactly 3 segments, this token has \(segments.count)")
        }
        guard segments[0].count <= (limits.maxHeaderBytes * 4 + 2) / 3 else {
            throw .tokenTooLarge("header is over \(limits.maxHeaderBytes) bytes")
        }
        guard segments[1].count <= (limits.maxPayloadBytes * 4 + 2) / 3 else {
            throw .tokenTooLarge("payload is over \(limits.maxPayloadBytes) bytes")
        }
        guard !segments[0].isEmpty, let headerBytes = Base64URL.decode(segments[0]) else {
            throw .malformed("header is not strict unpadded base64url")
        }
        let header: [String: JSONValue]
        do {
            guard let object = try StrictJSONParser().parse(headerBytes).objectValue else {
                throw AuthError.malformed("header is not a JSON object")
            }
            header = object
        } catch let error as JSONParseError {
            throw .malformed("header: \(error.message)")
        } catch {
            throw error as! AuthError
        }
        self.keyID = try Self.checkHeader(header)
        guard let payload = Base64URL.decode(segments[1]) else {
            throw .malformed("payload is not strict unpadded base64url")
        }
        guard !segments[2].isEmpty, let signature = Base64URL.decode(segments[2]) else {
            throw .malformed("signature is not strict unpadded base64url")
        }
        self.header = header
        self.payload = payload
        self.signature = signature
        self.token = token
        self.signingInputLength = segments[0].count + 1 + segments[1].count
    }

    private static func checkHeader(_ header: [String: JSONValue]) throws(AuthError) -> String {
        guard let algorithm = header["alg"] else { throw .malformed("header has no alg") }
        guard algorithm == .string("RS256") else {
            throw .unsupportedAlgorithm("only RS256 is accepted, the token says \(describe(algorithm))")
        }
        if let name = header.keys.sorted().first(where: forbiddenHeaders.contains) {
            throw .forbiddenHeader("header \(name) is never followed; keys come only from the issuer's key set")
        }
        if let critical = header["crit"] {
            throw .unsupportedCriticalHeader("no crit extension is supported, the token lists \(describe(critical))")
        }
        guard let keyID = header["kid"]?.stringValue else { throw .malformed("header has no string kid") }
        guard !keyID.isEmpty, keyID.utf8.count <= maxKeyIDBytes,
            keyID.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "\\") })
        else { throw .malformed("kid must be 1 to \(maxKeyIDBytes) printable ASCII characters without / or \\") }
        return keyID
    }

    private static func describe(_ value: JSONValue) -> String {
        let text = String(decoding: value.serialized(), as: UTF8.self)
        return text.count <= 64 ? text : String(text.prefix(64)) + "..."
    }

    /// Checks the RS256 signature with the key the header names; throws `unknown_key` or `bad_signature`.
    public func verifySignature(with keys: KeySet) throws(AuthError) {
        guard let key = keys.keys[keyID] else { throw .unknownKey("no key with this kid in the issuer's key set") }
        try verifySignature(with: key)
    }

    /// Checks the RS256 signature with `key`; throws `bad_signature`.
    public func verifySignature(with key: RSAPublicKey) throws(AuthError) {
        var token = token
        let valid = token.withUTF8 { bytes in
            key.verify(
                signature: signature,
                message: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<signingInputLength])))
        }
        guard valid else { throw .badSignature("the RS256 signature does not verify with key \(keyID)") }
    }
}
