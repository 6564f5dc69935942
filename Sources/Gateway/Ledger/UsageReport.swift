/// Usage of one UTC month, per user and per provider, for the month and per day. Jobs count in the UTC day of
/// their reservation; closed jobs (settled, refunded, released) and their attempts count, jobs still held do not.
public struct UsageReport: Sendable, Hashable, Codable {
    /// One user's usage in a month or a day.
    public struct UserUsage: Sendable, Hashable, Codable {
        /// `YYYY-MM-DD` for a day row, nil for the month total.
        public var day: String?
        public var user: UserKey
        public var email: String?
        public var jobs: Int64
        public var images: Int64
        /// Paid provider time of all the user's attempts.
        public var gpuSeconds: Double
        /// What the user was charged.
        public var spendMicros: Int64
    }

    /// One provider's usage in a month or a day.
    public struct ProviderUsage: Sendable, Hashable, Codable {
        /// `YYYY-MM-DD` for a day row, nil for the month total.
        public var day: String?
        public var provider: String
        public var attempts: Int64
        public var images: Int64
        public var gpuSeconds: Double
        /// What the provider charged for all attempts, passed on to users or not.
        public var costMicros: Int64
    }

    public var month: UTCMonth
    public var userEmail: String?
    public var users: [UserUsage]
    public var providers: [ProviderUsage]
    public var userDays: [UserUsage]
    public var providerDays: [ProviderUsage]
}
