/// A key set known in advance: a local development issuer's own keys, or a document read from a file.
public struct StaticKeySetSource: KeySetSource {
    /// The document every fetch returns.
    public let document: KeySetDocument

    public init(document: KeySetDocument) {
        self.document = document
    }

    /// Serves the public keys of `keys` as a JWKS that stays fresh for `maxAge` seconds.
    public init(keys: [DevSigningKey], maxAge: Int64 = 3600) {
        let jwks = JSONValue.object(["keys": .array(keys.map { .object($0.publicJWK) })]).serialized()
        document = KeySetDocument(body: jwks, maxAge: maxAge)
    }

    public func fetch() async throws -> KeySetDocument { document }
}
