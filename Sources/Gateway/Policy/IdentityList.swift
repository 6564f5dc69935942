/// A set of identities named by email address or subject, as `admins:` and `blocks:` list them.
public struct IdentityList: Sendable, Hashable {
    /// Lowercased email addresses and where each is written.
    public var emails: [String: SourceLocation]
    /// Subjects (`sub`) and where each is written.
    public var subjects: [String: SourceLocation]

    public init(emails: [String: SourceLocation] = [:], subjects: [String: SourceLocation] = [:]) {
        self.emails = emails
        self.subjects = subjects
    }

    /// Where the entry that names this identity is written, or `nil` when none does.
    ///
    /// - Parameters:
    ///   - email: Compared without regard to case; pass `nil` to match on the subject only.
    ///   - subject: The issuer's `sub` claim.
    public func match(email: String?, subject: String?) -> SourceLocation? {
        if let subject, let location = subjects[subject] { return location }
        if let email, let location = emails[email.lowercased()] { return location }
        return nil
    }

    public var isEmpty: Bool { emails.isEmpty && subjects.isEmpty }
}
