import Foundation

/// One try of a job on one provider, as the router reports it; failed-over tries are recorded too.
public struct AttemptRecord: Sendable, Hashable, Codable {
    /// How the try ended.
    public enum Outcome: String, Sendable, Hashable, Codable {
        case succeeded
        case failed
        case timedOut = "timed_out"
        case cancelled
    }

    public var provider: String
    public var outcome: Outcome
    public var startedAt: Date
    /// Wall time of the try, in milliseconds.
    public var durationMilliseconds: Int64
    /// Time the provider billed (GPU seconds), in milliseconds.
    public var paidMilliseconds: Int64
    /// What the provider charged for the try, in micro-dollars.
    public var costMicros: Int64
    /// A short note (error code) for ops.
    public var detail: String?

    public init(
        provider: String, outcome: Outcome, startedAt: Date, durationMilliseconds: Int64, paidMilliseconds: Int64,
        costMicros: Int64, detail: String? = nil
    ) {
        self.provider = provider
        self.outcome = outcome
        self.startedAt = startedAt
        self.durationMilliseconds = durationMilliseconds
        self.paidMilliseconds = paidMilliseconds
        self.costMicros = costMicros
        self.detail = detail
    }
}
