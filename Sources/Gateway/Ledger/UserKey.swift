import AuthKit

/// Whose quota a job counts against: the token issuer and its stable subject id (an email can change owners).
public struct UserKey: Sendable, Hashable, Codable, CustomStringConvertible {
    public let issuer: String
    public let subject: String

    public init(issuer: String, subject: String) {
        self.issuer = issuer
        self.subject = subject
    }

    /// The key of a verified identity.
    public init(_ identity: Identity) {
        self.init(issuer: identity.issuer, subject: identity.subject)
    }

    /// Stored as `issuer subject`: an issuer is a URL or host name and never holds a space.
    var storageKey: String { issuer + " " + subject }

    init(storageKey: String) {
        if let space = storageKey.firstIndex(of: " ") {
            self.init(
                issuer: String(storageKey[..<space]), subject: String(storageKey[storageKey.index(after: space)...]))
        } else {
            self.init(issuer: "", subject: storageKey)
        }
    }

    public var description: String { storageKey }
}
