import Foundation

/// What a caller asks to reserve before a job runs.
public struct ReservationRequest: Sendable {
    /// A client's idempotency key and a hash of the request body it came with.
    public struct Idempotency: Sendable, Hashable {
        public var key: String
        public var requestHash: String

        public init(key: String, requestHash: String) {
            self.key = key
            self.requestHash = requestHash
        }
    }

    public var jobID: JobID
    public var user: UserKey
    /// Shown in usage reports; the user key, not the email, is what quotas count against.
    public var email: String?
    /// The limits of the user's tier.
    public var limits: QuotaLimits
    /// The worst-case cost of the job in micro-dollars, held until the job settles.
    public var estimateMicros: Int64
    /// Whether paid time of failed attempts is passed on to the user (a tier setting).
    public var chargesFailedAttempts: Bool
    public var idempotency: Idempotency?
    /// The time of the request, from the caller's clock.
    public var now: Date

    public init(
        jobID: JobID, user: UserKey, email: String? = nil, limits: QuotaLimits, estimateMicros: Int64,
        chargesFailedAttempts: Bool = false, idempotency: Idempotency? = nil, now: Date
    ) {
        self.jobID = jobID
        self.user = user
        self.email = email
        self.limits = limits
        self.estimateMicros = estimateMicros
        self.chargesFailedAttempts = chargesFailedAttempts
        self.idempotency = idempotency
        self.now = now
    }
}
