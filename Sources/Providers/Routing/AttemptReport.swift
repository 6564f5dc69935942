/// One try of one provider for one job, as the router saw it; the ledger records every one.
public struct AttemptReport: Sendable, Equatable {
    /// How the attempt ended.
    public enum Outcome: Sendable, Equatable {
        case succeeded
        /// Failed with the `ProviderError` reason (or `error` for anything unclassified); the router moved on.
        case failed(reason: String)
        /// Not tried: its circuit was open or it cannot serve the request.
        case skipped(reason: String)
        /// The caller cancelled the job while this attempt ran.
        case cancelled
    }

    public var provider: String
    public var outcome: Outcome
    public var duration: Duration
    /// Seconds the provider billed for this attempt, when it says.
    public var paidSeconds: Double?
    /// What happened, for ops' logs only (may quote the provider; never a secret).
    public var detail: String?

    public init(
        provider: String, outcome: Outcome, duration: Duration, paidSeconds: Double? = nil, detail: String? = nil
    ) {
        self.provider = provider
        self.outcome = outcome
        self.duration = duration
        self.paidSeconds = paidSeconds
        self.detail = detail
    }
}
