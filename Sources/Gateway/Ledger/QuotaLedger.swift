import Foundation

/// The durable, exact record of who may run what and who spent what. Check-and-reserve is atomic: concurrent
/// reservations against a limit of k admit exactly k. Implementations: SQLite (embedded); a shared database later.
public protocol QuotaLedger: Sendable {
    /// Checks every window of the user's limits and holds the estimate if all allow it, atomically.
    func reserve(_ request: ReservationRequest) async throws -> ReservationOutcome

    /// Records one try of a held job on a provider.
    func recordAttempt(_ attempt: AttemptRecord, jobID: JobID) async throws

    /// Closes a held job with its real cost: the successful attempt's cost, plus failed attempts' paid time when
    /// the tier passes it on. Charged once. `finalAttempt`, when given, is recorded in the same transaction.
    func settle(jobID: JobID, finalAttempt: AttemptRecord?, now: Date) async throws -> Reservation

    /// Closes a held job that failed before doing paid work: nothing is charged and nothing counted.
    func refund(jobID: JobID, reason: String, now: Date) async throws -> Reservation

    /// Closes the held reservations of processes that died, from what they recorded; returns them.
    func recoverOrphans(now: Date) async throws -> [Reservation]

    /// The reservation of a job, if any.
    func reservation(jobID: JobID) async throws -> Reservation?

    /// The attempts recorded for a job, in order.
    func attempts(jobID: JobID) async throws -> [AttemptRecord]

    /// What is used and left in each window of `limits` for a user at `now`.
    func remaining(user: UserKey, limits: QuotaLimits, now: Date) async throws -> [QuotaWindowStatus]

    /// What a provider's recorded attempts have cost since `start` (its own spend, for its budget).
    func providerCost(provider: String, since start: Date) async throws -> Int64

    /// Usage per user and per provider for a month, for ops.
    func usage(_ query: UsageQuery) async throws -> UsageReport
}

extension QuotaLedger {
    /// Closes a held job from the attempts already recorded.
    public func settle(jobID: JobID, now: Date) async throws -> Reservation {
        try await settle(jobID: jobID, finalAttempt: nil, now: now)
    }
}
