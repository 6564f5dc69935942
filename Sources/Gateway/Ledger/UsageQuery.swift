/// What usage ops ask for: one UTC month, optionally one user by email.
public struct UsageQuery: Sendable, Hashable {
    public var month: UTCMonth
    public var userEmail: String?

    public init(month: UTCMonth, userEmail: String? = nil) {
        self.month = month
        self.userEmail = userEmail
    }
}
