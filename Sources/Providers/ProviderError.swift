/// Why a provider could not make an image, classified for the router: whether to fail over, whether
/// the provider's health suffers, and whether the caller is at fault.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case unavailable
        case busy
        case timedOut = "timed_out"
        case invalidReply = "invalid_reply"
        case rejected
        case budgetExhausted = "budget_exhausted"
        case failed
    }

    private let code: Code
    /// What happened, for ops' logs: may quote the provider's own words, never a secret.
    public let detail: String
    /// Seconds the provider billed for the failed attempt, when it says.
    public let paidSeconds: Double?
    /// When a busy provider suggests trying again.
    public let retryAfter: Duration?

    private init(_ code: Code, _ detail: String, paidSeconds: Double? = nil, retryAfter: Duration? = nil) {
        self.code = code
        self.detail = detail
        self.paidSeconds = paidSeconds
        self.retryAfter = retryAfter
    }

    /// The provider could not be reached, or answered with a server error.
    public static func unavailable(_ detail: String, paidSeconds: Double? = nil) -> Self {
        .init(.unavailable, detail, paidSeconds: paidSeconds)
    }
    /// The provider is healthy but has no room for this job now (a full queue, HTTP 423).
    public static func busy(_ detail: String, retryAfter: Duration? = nil) -> Self {
        .init(.busy, detail, retryAfter: retryAfter)
    }
    /// A deadline passed before the provider finished.
    public static func timedOut(_ detail: String, paidSeconds: Double? = nil) -> Self {
        .init(.timedOut, detail, paidSeconds: paidSeconds)
    }
    /// The provider answered, but not with a usable image (bad JSON, wrong size, too large, not an image).
    public static func invalidReply(_ detail: String, paidSeconds: Double? = nil) -> Self {
        .init(.invalidReply, detail, paidSeconds: paidSeconds)
    }
    /// The provider refused the request itself as invalid: the caller's fault, so no failover.
    public static func rejected(_ detail: String) -> Self { .init(.rejected, detail) }
    /// The provider's own spending budget is used up.
    public static func budgetExhausted(_ detail: String) -> Self { .init(.budgetExhausted, detail) }
    /// The provider ran the job and reported that it failed.
    public static func failed(_ detail: String, paidSeconds: Double? = nil) -> Self {
        .init(.failed, detail, paidSeconds: paidSeconds)
    }

    /// The same failure with the seconds the provider billed for it (when the error itself did not know them).
    public func withPaidSeconds(_ seconds: Double?) -> ProviderError {
        ProviderError(code, detail, paidSeconds: paidSeconds ?? seconds, retryAfter: retryAfter)
    }

    /// Stable machine-readable code, e.g. `timed_out`.
    public var reason: String { code.rawValue }

    /// Whether the request itself was at fault; the router passes such errors to the caller.
    public var isCallerFault: Bool { code == .rejected }

    /// Whether the failure says something about the provider's health (counts towards its circuit breaker).
    public var countsAgainstHealth: Bool {
        switch code {
        case .unavailable, .timedOut, .invalidReply, .failed: true
        case .busy, .rejected, .budgetExhausted: false
        }
    }

    public var description: String { "provider error (\(code.rawValue)): \(detail)" }
}
