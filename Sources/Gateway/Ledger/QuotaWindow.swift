/// One limit of a tier, over its window: what a denial names and what `/v1/me` lists.
public enum QuotaWindow: String, Sendable, Hashable, Codable, CaseIterable {
    case requestsPerMinute = "requests_per_minute"
    case imagesPerDay = "images_per_day"
    case imagesPerMonth = "images_per_month"
    case spendPerDay = "spend_per_day"
    case spendPerMonth = "spend_per_month"
    case concurrentJobs = "concurrent_jobs"

    /// The tier's limit for this window, widened to Int64; nil is unlimited.
    func limit(in limits: QuotaLimits) -> Int64? {
        switch self {
        case .requestsPerMinute: limits.requestsPerMinute.map(Int64.init)
        case .imagesPerDay: limits.imagesPerDay.map(Int64.init)
        case .imagesPerMonth: limits.imagesPerMonth.map(Int64.init)
        case .spendPerDay: limits.spendPerDayMicros
        case .spendPerMonth: limits.spendPerMonthMicros
        case .concurrentJobs: limits.maxConcurrentJobs.map(Int64.init)
        }
    }

    /// The first second (Unix) of the next window after `seconds`; nil for concurrency, which frees when a job ends.
    func resetSeconds(after seconds: Int64) -> Int64? {
        switch self {
        case .requestsPerMinute: UTCCalendar.minuteStart(seconds) + 60
        case .imagesPerDay, .spendPerDay: UTCCalendar.dayStart(seconds) + UTCCalendar.secondsPerDay
        case .imagesPerMonth, .spendPerMonth: UTCCalendar.nextMonthStart(seconds)
        case .concurrentJobs: nil
        }
    }
}
