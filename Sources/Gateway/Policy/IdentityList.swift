/// A set of identities named by email address or subject, as `admins:` and `blocks:` list them.
public struct IdentityList: Sendable, Hashable {
    /// Lowercased email addresses and where each is written.
    public var emails: [String: PolicyLocation]
    /// Subjects (`sub`) and where each is written.
    public var subjects: [String: PolicyLocation]

    public init(emails: [String: PolicyLocation] = [:], subjects: [String: PolicyLocation] = [:]) {
        self.emails = emails
        self.subjects = subjects
    }

    /// Where the entry that names this identity is written, or `nil` when none does.
    ///
    /// - Parameters:
    ///   - email: Compared without regard to case; pass `nil` to match on the subject only.
    ///   - subject: The issuer's `sub` claim.
    public func match(email: String?, subject: String?) -> PolicyLocation? {
        match(lowercasedEmail: email?.lowercased(), subject: subject)
    }

    /// `match(email:subject:)` for an email already lowercased.
    func match(lowercasedEmail email: String?, subject: String?) -> PolicyLocation? {
        if let subject, let location = subjects[subject] { return location }
        if let email, let location = emails[email] { return location }
        return nil
    }

    public var isEmpty: Bool { emails.isEmpty && subjects.isEmpty }
}
