/// Where an issuer's key set comes from (its JWKS URL in production).
public protocol KeySetSource: Sendable {
    /// Fetches the current document; throws when the source is unreachable or answers with an error.
    func fetch() async throws -> KeySetDocument
}
