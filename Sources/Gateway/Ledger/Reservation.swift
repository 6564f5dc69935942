import Foundation

/// The ledger's record of one job's hold on a user's quota.
public struct Reservation: Sendable, Hashable, Codable {
    /// held -> settled (the job ended) | refunded (it failed before paid work) | released (recovered after its
    /// process died).
    public enum State: String, Sendable, Hashable, Codable {
        case held, settled, refunded, released
    }

    public var jobID: JobID
    public var user: UserKey
    public var email: String?
    public var state: State
    public var estimateMicros: Int64
    /// What the user was charged; 0 while held.
    public var chargedMicros: Int64
    /// Whether an attempt produced the image; only a closed reservation says so.
    public var producedImage: Bool
    public var chargesFailedAttempts: Bool
    public var idempotencyKey: String?
    public var owner: LedgerOwner
    public var reservedAt: Date
    public var closedAt: Date?
    public var closeReason: String?
}
