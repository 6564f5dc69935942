import Foundation
import Providers

/// Jobs and their images in the gateway's SQLite database (the `jobs` table), on the database's own queue;
/// writes go through the database's group commit. Status changes are conditional updates, so a job leaves
/// `queued` or `running` exactly once.
final class SQLiteJobStore: JobStore {
    private let database: SQLiteDatabase

    init(database: SQLiteDatabase) {
        self.database = database
    }

    static let columns = """
        id, user_key, user_email, request_json, provider_hint, idempotency_key, status, progress_step,
        progress_total, provider, created_ms, started_ms, finished_ms, cost_micros, error_code, error_message,
        image_media_type
        """

    func insert(_ job: Job) async throws {
        let requestJSON = String(decoding: try JSONEncoder().encode(job.request), as: UTF8.self)
        try await database.write { connection in
            try connection.run(
                """
                INSERT INTO jobs (id, user_key, user_email, request_json, provider_hint, idempotency_key, status,
                    progress_total, created_ms, seed)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                """,
                [
                    .text(job.id.rawValue), .text(job.user.storageKey), .text(job.email), .text(requestJSON),
                    .text(job.providerHint), .text(job.idempotencyKey), .text(job.status.rawValue),
                    .integer(Int64(job.progressTotal)), .integer(job.createdAt.unixMilliseconds),
                    .integer(Int64(bitPattern: job.request.seed)),
                ])
        }
    }

    func job(_ id: JobID, user: UserKey?) async throws -> Job? {
        try await database.perform { connection in
            guard
                let job = try connection.queryFirst(
                    "SELECT \(Self.columns) FROM jobs WHERE id = ?1", [.text(id.rawValue)], row: Self.decode)
            else { return nil }
            if let user, job.user != user { return nil }
            return job
        }
    }

    /// The image of a finished job of `user`, with its media type.
    func image(_ id: JobID, user: UserKey) async throws -> (bytes: [UInt8], mediaType: String)? {
        try await database.perform { connection in
            try connection.queryFirst(
                "SELECT image, image_media_type FROM jobs WHERE id = ?1 AND user_key = ?2 AND image IS NOT NULL",
                [.text(id.rawValue), .text(user.storageKey)]
            ) { ($0.blob(0), $0.text(1)) }
        }
    }

    /// The most recent jobs of the users with this email (admin API), newest first.
    func jobs(email: String, limit: Int) async throws -> [Job] {
        try await database.perform { connection in
            try connection.query(
                "SELECT \(Self.columns) FROM jobs WHERE user_email = ?1 ORDER BY created_ms DESC LIMIT ?2",
                [.text(email.lowercased()), .integer(Int64(limit))], row: Self.decode)
        }
    }

    func jobs(user: UserKey, limit: Int) async throws -> [Job] {
        try await database.perform { connection in
            try connection.query(
                "SELECT \(Self.columns) FROM jobs WHERE user_key = ?1 ORDER BY created_ms DESC, id DESC LIMIT ?2",
                [.text(user.storageKey), .integer(Int64(limit))], row: Self.decode)
        }
    }

    /// Moves a queued job to running; false when it is no longer queued (cancelled meanwhile).
    func markRunning(_ id: JobID, at date: Date) async throws -> Bool {
        try await database.write { connection in
            try connection.run(
                "UPDATE jobs SET status = 'running', started_ms = ?2 WHERE id = ?1 AND status = 'queued'",
                [.text(id.rawValue), .integer(date.unixMilliseconds)]) == 1
        }
    }

    func updateProgress(_ id: JobID, step: Int, total: Int, provider: String?) async throws {
        try await database.write { connection in
            try connection.run(
                """
                UPDATE jobs SET progress_step = ?2, progress_total = ?3, provider = coalesce(?4, provider)
                WHERE id = ?1 AND status = 'running'
                """,
                [.text(id.rawValue), .integer(Int64(step)), .integer(Int64(total)), .text(provider)])
        }
    }

    /// Closes an unfinished job; false when it had already finished.
    func finish(_ id: JobID, _ outcome: JobOutcome, at date: Date) async throws -> Bool {
        try await database.write { connection in
            try connection.run(
                """
                UPDATE jobs SET status = ?2, provider = coalesce(?3, provider), cost_micros = ?4, error_code = ?5,
                    error_message = ?6, image = ?7, image_media_type = ?8, finished_ms = ?9,
                    progress_step = CASE WHEN ?2 = 'succeeded' THEN progress_total ELSE progress_step END
                WHERE id = ?1 AND status IN ('queued', 'running')
                """,
                [
                    .text(id.rawValue), .text(outcome.status.rawValue), .text(outcome.provider),
                    .integer(outcome.costMicros), .text(outcome.errorCode), .text(outcome.errorMessage),
                    outcome.image.map { .blob($0) } ?? .null, .text(outcome.imageMediaType),
                    .integer(date.unixMilliseconds),
                ]) == 1
        }
    }

    /// Marks every queued or running job as interrupted: one process writes the file, so at start they all belonged
    /// to a process that died. Each shows what closing its reservation charged (the ledger's `recoverOrphans`, which
    /// runs first, charges the attempts recorded before the stop).
    func interruptOrphans(at date: Date) async throws -> Int {
        try await database.write { connection in
            try connection.run(
                """
                WITH charges AS (
                    SELECT jobs.id AS id, coalesce(r.charged_micros, 0) AS charged
                    FROM jobs LEFT JOIN reservations r ON r.job_id = jobs.id AND r.state <> 'held'
                    WHERE jobs.status IN ('queued', 'running'))
                UPDATE jobs SET status = 'interrupted', finished_ms = ?1, error_code = 'interrupted',
                    cost_micros = charges.charged,
                    error_message = 'the gateway stopped while the job was ' || CASE WHEN charges.charged > 0
                        THEN 'running; the work recorded before the stop was charged'
                        ELSE 'waiting or running; it was not charged' END
                FROM charges WHERE jobs.id = charges.id
                """,
                [.integer(date.unixMilliseconds)])
        }
    }

    /// Deletes jobs that finished before `cutoff`; returns how many.
    func deleteFinished(before cutoff: Date) async throws -> Int {
        try await database.write { connection in
            try connection.run(
                "DELETE FROM jobs WHERE finished_ms IS NOT NULL AND finished_ms < ?1",
                [.integer(cutoff.unixMilliseconds)])
        }
    }

    /// Whether the database accepts a write now (for `/readyz`).
    func probeWritable() async -> Bool {
        // Rewriting the schema version dirties the header page, so the commit really writes to the log file; an
        // empty transaction would succeed on storage that refuses every write.
        do {
            try await database.write { connection in
                let version = try connection.queryFirst("PRAGMA user_version") { $0.int64(0) } ?? 0
                try connection.execute("PRAGMA user_version = \(version)")
            }
            return true
        } catch {
            return false
        }
    }

    private static func decode(_ row: SQLiteStatement) throws -> Job {
        let request = try JSONDecoder().decode(GenerationRequest.self, from: Data(row.text(3).utf8))
        return Job(
            id: JobID(row.text(0)), user: UserKey(storageKey: row.text(1)), email: row.optionalText(2),
            request: request, providerHint: row.optionalText(4), idempotencyKey: row.optionalText(5),
            status: JobStatus(rawValue: row.text(6)) ?? .failed, progressStep: Int(row.int64(7)),
            progressTotal: Int(row.int64(8)), provider: row.optionalText(9),
            createdAt: Date(unixMilliseconds: row.int64(10)),
            startedAt: row.optionalInt64(11).map(Date.init(unixMilliseconds:)),
            finishedAt: row.optionalInt64(12).map(Date.init(unixMilliseconds:)), costMicros: row.int64(13),
            errorCode: row.optionalText(14), errorMessage: row.optionalText(15), imageMediaType: row.optionalText(16))
    }
}
