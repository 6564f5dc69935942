/// How one provider's attempts went in a period, as the ops dashboard shows it.
struct ProviderStatistics: Codable, Sendable, Equatable {
    /// One recorded attempt, as read from the ledger.
    struct Attempt: Sendable {
        var provider: String
        var outcome: String
        var durationMilliseconds: Int64
        var skipped: Bool
        var followedByAnother: Bool
    }

    var provider: String
    var attempts: Int
    var succeeded: Int
    var failed: Int
    var timedOut: Int
    var cancelled: Int
    /// Not tried at all: circuit open, budget spent, cannot serve the request.
    var skipped: Int
    /// Succeeded over the attempts that ran to an end (not skipped, not cancelled); nil when there were none.
    var successRate: Double?
    /// Median and 95th percentile wall time of the successful attempts, in milliseconds.
    var latencyP50Ms: Int64?
    var latencyP95Ms: Int64?
    /// Attempts after which the job moved on to another provider.
    var failovers: Int

    enum CodingKeys: String, CodingKey {
        case provider, attempts, succeeded, failed, cancelled, skipped, failovers
        case timedOut = "timed_out"
        case successRate = "success_rate"
        case latencyP50Ms = "latency_p50_ms"
        case latencyP95Ms = "latency_p95_ms"
    }

    init(provider: String, attempts rows: [Attempt]) {
        self.provider = provider
        attempts = rows.count
        skipped = rows.filter { $0.skipped }.count
        succeeded = rows.filter { $0.outcome == "succeeded" }.count
        failed = rows.filter { $0.outcome == "failed" && !$0.skipped }.count
        timedOut = rows.filter { $0.outcome == "timed_out" }.count
        cancelled = rows.filter { $0.outcome == "cancelled" }.count
        let ended = succeeded + failed + timedOut
        successRate = ended > 0 ? Double(succeeded) / Double(ended) : nil
        let latencies = rows.filter { $0.outcome == "succeeded" }.map(\.durationMilliseconds).sorted()
        latencyP50Ms = Self.percentile(latencies, 0.50)
        latencyP95Ms = Self.percentile(latencies, 0.95)
        failovers = rows.filter { $0.followedByAnother && $0.outcome != "succeeded" && $0.outcome != "cancelled" }.count
    }

    /// The nearest-rank percentile of sorted values; nil when there are none.
    static func percentile(_ sorted: [Int64], _ fraction: Double) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }
}
