/// A ledger operation the ledger refused; nothing was charged or changed.
public struct LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case invalidRequest = "invalid_request"
        case unknownJob = "unknown_job"
        case jobNotHeld = "job_not_held"
        case duplicateJob = "duplicate_job_id"
        case idempotencyConflict = "idempotency_conflict"
        case secondSuccess = "second_successful_attempt"
        case jobProducedImage = "job_produced_image"
    }

    private let code: Code
    /// What was wrong and what to do.
    public let message: String

    /// A stable machine-readable reason, e.g. `idempotency_conflict`.
    public var reason: String { code.rawValue }

    public var description: String { "ledger error [\(reason)]: \(message)" }

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A field of the request is out of range.
    public static func invalidRequest(_ detail: String) -> LedgerError {
        LedgerError(.invalidRequest, detail)
    }

    /// No reservation has this job id.
    public static func unknownJob(_ jobID: JobID) -> LedgerError {
        LedgerError(.unknownJob, "no reservation for job \(jobID); reserve before recording, settling or refunding")
    }

    /// The reservation is already closed (settled, refunded or released).
    public static func jobNotHeld(_ jobID: JobID, state: Reservation.State) -> LedgerError {
        LedgerError(.jobNotHeld, "job \(jobID) is already \(state.rawValue); a reservation closes only once")
    }

    /// Another reservation already uses this job id.
    public static func duplicateJob(_ jobID: JobID) -> LedgerError {
        LedgerError(.duplicateJob, "job id \(jobID) is already reserved; use a new id for a new job")
    }

    /// The idempotency key was used before with a different request body (HTTP 409).
    public static func idempotencyConflict(key: String) -> LedgerError {
        LedgerError(
            .idempotencyConflict,
            "idempotency key '\(key)' was already used with a different request; use a new key for a new request")
    }

    /// The job already has an attempt that produced its image.
    public static func secondSuccess(_ jobID: JobID) -> LedgerError {
        LedgerError(.secondSuccess, "job \(jobID) already has a successful attempt; a job produces one image")
    }

    /// A job whose image was produced cannot be refunded.
    public static func jobProducedImage(_ jobID: JobID) -> LedgerError {
        LedgerError(.jobProducedImage, "job \(jobID) has a successful attempt; settle it instead of refunding")
    }
}
