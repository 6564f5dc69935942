/// The limits of one tier, as ops write them in `policies/`. `nil` means unlimited; zero means none allowed.
public struct QuotaLimits: Sendable, Hashable, Codable {
    public var requestsPerMinute: Int?
    public var imagesPerDay: Int?
    public var imagesPerMonth: Int?
    /// Spend limits in integer micro-dollars (1 USD = 1,000,000).
    public var spendPerDayMicros: Int64?
    public var spendPerMonthMicros: Int64?
    public var maxConcurrentJobs: Int?
    public var maxSteps: Int?
    public var maxWidth: Int?
    public var maxHeight: Int?
    public var maxPromptLength: Int?
    /// Scheduler names the tier may use; nil means any the provider offers.
    public var allowedSchedulers: Set<String>?

    public init(
        requestsPerMinute: Int? = nil, imagesPerDay: Int? = nil, imagesPerMonth: Int? = nil,
        spendPerDayMicros: Int64? = nil, spendPerMonthMicros: Int64? = nil, maxConcurrentJobs: Int? = nil,
        maxSteps: Int? = nil, maxWidth: Int? = nil, maxHeight: Int? = nil, maxPromptLength: Int? = nil,
        allowedSchedulers: Set<String>? = nil
    ) {
        self.requestsPerMinute = requestsPerMinute
        self.imagesPerDay = imagesPerDay
        self.imagesPerMonth = imagesPerMonth
        self.spendPerDayMicros = spendPerDayMicros
        self.spendPerMonthMicros = spendPerMonthMicros
        self.maxConcurrentJobs = maxConcurrentJobs
        self.maxSteps = maxSteps
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxPromptLength = maxPromptLength
        self.allowedSchedulers = allowedSchedulers
    }
}
