import Foundation

/// Where jobs and their images are kept: SQLite for one process, PostgreSQL for instances sharing a database.
/// Status changes are conditional updates, so a job leaves `queued` or `running` exactly once, whichever instance
/// writes it.
protocol JobStore: Sendable {
    func insert(_ job: Job) async throws

    /// The job, when it exists and (if `user` is given) belongs to that user.
    func job(_ id: JobID, user: UserKey?) async throws -> Job?

    /// The image of a finished job of `user`, with its media type.
    func image(_ id: JobID, user: UserKey) async throws -> (bytes: [UInt8], mediaType: String)?

    /// The most recent jobs of the users with this email (admin API), newest first.
    func jobs(email: String, limit: Int) async throws -> [Job]

    /// The most recent jobs of one user (their own history), newest first.
    func jobs(user: UserKey, limit: Int) async throws -> [Job]

    /// Moves a queued job to running; false when it is no longer queued (cancelled meanwhile).
    func markRunning(_ id: JobID, at date: Date) async throws -> Bool

    func updateProgress(_ id: JobID, step: Int, total: Int, provider: String?) async throws

    /// Closes an unfinished job; false when it had already finished.
    func finish(_ id: JobID, _ outcome: JobOutcome, at date: Date) async throws -> Bool

    /// Marks as interrupted the unfinished jobs that no running process will finish (their process died), each with
    /// the charge its reservation was closed with (the ledger's `recoverOrphans` runs first); returns how many.
    func interruptOrphans(at date: Date) async throws -> Int

    /// Deletes jobs that finished before `cutoff`; returns how many.
    func deleteFinished(before cutoff: Date) async throws -> Int

    /// Whether the database accepts a write now (for `/readyz`).
    func probeWritable() async -> Bool
}

extension JobStore {
    /// The job, when it exists.
    func job(_ id: JobID) async throws -> Job? {
        try await job(id, user: nil)
    }
}
