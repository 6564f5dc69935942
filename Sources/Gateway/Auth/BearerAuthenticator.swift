import AuthKit

/// Turns an `Authorization` header into the identity its Bearer ID token proves, through AuthKit's verifier
/// for the policy's issuers. The same path serves Google and the dev issuer.
struct BearerAuthenticator: Sendable {
    let issuers: IssuerDirectory

    /// The identity, or the `AuthError` explaining the refusal (`malformed` when the header is not Bearer).
    func authenticate(authorization: String, auth: AuthPolicy) async throws(AuthError) -> Identity {
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw .malformed("the Authorization header is not `Bearer <token>`")
        }
        let token = parts[1].trimmingCharacters(in: " \t")
        return try await issuers.verifier(for: auth).verify(String(token))
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in characters: String) -> Substring {
        var text = self
        while let first = text.first, characters.contains(first) { text.removeFirst() }
        while let last = text.last, characters.contains(last) { text.removeLast() }
        return text
    }
}
