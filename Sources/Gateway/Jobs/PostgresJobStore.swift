#if GATEWAY_POSTGRES
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Providers

/// Jobs and their images on the shared PostgreSQL database. Every status change is a conditional update, so a job
/// leaves `queued` or `running` once whichever instance writes it, and each change is announced to the other
/// instances with `NOTIFY` in the same transaction (delivered only if it commits).
final class PostgresJobStore: JobStore, JobSignalChannel {
    private let database: PostgresGatewayDatabase
    /// This process, as the origin of its own notifications (which it ignores).
    private let origin: String
    let signals: AsyncStream<JobSignal>
    private let signalSink: AsyncStream<JobSignal>.Continuation
    private let listener: Task<Void, Never>
    private var logger: Logger { database.logger }

    init(database: PostgresGatewayDatabase, owner: LedgerOwner) {
        self.database = database
        let origin = "\(owner.instanceID)@\(owner.processStartedAt.unixMilliseconds)"
        self.origin = origin
        let (signals, sink) = AsyncStream.makeStream(of: JobSignal.self, bufferingPolicy: .bufferingNewest(1024))
        self.signals = signals
        signalSink = sink
        listener = database.listen(channel: PostgresSchema.jobChannel) { payload in
            guard let (sender, signal) = JobSignal.parse(payload), sender != origin else { return }
            sink.yield(signal)
        }
    }

    /// Stops listening; the signal stream ends.
    func close() {
        listener.cancel()
        signalSink.finish()
    }

    static let columns = """
        id, user_key, user_email, request_json, provider_hint, idempotency_key, status, progress_step,
        progress_total, provider, created_ms, started_ms, finished_ms, cost_micros, error_code, error_message,
        image_media_type
        """

    func insert(_ job: Job) async throws {
        let requestJSON = String(decoding: try JSONEncoder().encode(job.request), as: UTF8.self)
        try await database.perform { [logger] connection in
            try await connection.query(
                """
                INSERT INTO jobs (id, user_key, user_email, request_json, provider_hint, idempotency_key, status,
                    progress_total, created_ms, seed)
                VALUES (
                    \(job.id.rawValue), \(job.user.storageKey), \(job.email), \(requestJSON), \(job.providerHint),
                    \(job.idempotencyKey), \(job.status.rawValue), \(job.progressTotal),
                    \(job.createdAt.unixMilliseconds), \(Int64(bitPattern: job.request.seed)))
                """, logger: logger)
        }
    }

    func job(_ id: JobID, user: UserKey?) async throws -> Job? {
        try await database.perform { [logger] connection -> Job? in
            guard
                let job = try await connection.firstRow(
                    "SELECT \(unescaped: Self.columns) FROM jobs WHERE id = \(id.rawValue)", logger: logger
                ).map(Self.decode)
            else { return nil }
            if let user, job.user != user { return nil }
            return job
        }
    }

    func image(_ id: JobID, user: UserKey) async throws -> (bytes: [UInt8], mediaType: String)? {
        let found = try await database.perform { [logger] connection -> (ByteBuffer, String)? in
            guard
                let row = try await connection.firstRow(
                    """
                    SELECT image, image_media_type FROM jobs
                    WHERE id = \(id.rawValue) AND user_key = \(user.storageKey) AND image IS NOT NULL
                    """, logger: logger)
            else { return nil }
            return (try row.value(0, as: ByteBuffer.self), try row.value(1, as: String.self))
        }
        return found.map { (Array($0.0.readableBytesView), $0.1) }
    }

    func jobs(email: String, limit: Int) async throws -> [Job] {
        try await database.perform { [logger] connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.columns) FROM jobs WHERE user_email = \(email.lowercased())
                ORDER BY created_ms DESC LIMIT \(limit)
                """, logger: logger
            ).map(Self.decode)
        }
    }

    func jobs(user: UserKey, limit: Int) async throws -> [Job] {
        try await database.perform { [logger] connection in
            try await connection.rows(
                """
                SELECT \(unescaped: Self.columns) FROM jobs WHERE user_key = \(user.storageKey)
                ORDER BY created_ms DESC, id DESC LIMIT \(limit)
                """, logger: logger
            ).map(Self.decode)
        }
    }

    func markRunning(_ id: JobID, at date: Date) async throws -> Bool {
        try await changed(id, .started(id)) {
            """
            UPDATE jobs SET status = 'running', started_ms = \(date.unixMilliseconds)
            WHERE id = \(id.rawValue) AND status = 'queued' RETURNING id
            """
        }
    }

    func updateProgress(_ id: JobID, step: Int, total: Int, provider: String?) async throws {
        _ = try await changed(id, .progress(id, step: step, total: total)) {
            """
            UPDATE jobs SET progress_step = \(step), progress_total = \(total), provider = coalesce(\(provider), provider)
            WHERE id = \(id.rawValue) AND status = 'running' RETURNING id
            """
        }
    }

    func finish(_ id: JobID, _ outcome: JobOutcome, at date: Date) async throws -> Bool {
        let image = outcome.image.map { ByteBuffer(bytes: $0) }
        return try await changed(id, .finished(id)) {
            """
            UPDATE jobs SET status = \(outcome.status.rawValue), provider = coalesce(\(outcome.provider), provider),
                cost_micros = \(outcome.costMicros), error_code = \(outcome.errorCode),
                error_message = \(outcome.errorMessage), image = \(image), image_media_type = \(outcome.imageMediaType),
                finished_ms = \(date.unixMilliseconds),
                progress_step = CASE WHEN \(outcome.status.rawValue) = 'succeeded' THEN progress_total
                    ELSE progress_step END
            WHERE id = \(id.rawValue) AND status IN ('queued', 'running') RETURNING id
            """
        }
    }

    /// Interrupts the unfinished jobs whose reservation was released (their process's lease expired).
    func interruptOrphans(at date: Date) async throws -> Int {
        let origin = self.origin
        return try await database.transaction { [logger] connection -> Int in
            let ids = try await connection.rows(
                """
                UPDATE jobs SET status = 'interrupted', finished_ms = \(date.unixMilliseconds),
                    error_code = 'interrupted', cost_micros = r.charged_micros,
                    error_message = 'the gateway instance running the job stopped; ' || CASE WHEN r.charged_micros > 0
                        THEN 'the work recorded before the stop was charged' ELSE 'it was not charged' END
                FROM reservations r
                WHERE jobs.status IN ('queued', 'running') AND r.job_id = jobs.id AND r.state = 'released'
                RETURNING jobs.id
                """, logger: logger
            ).map { JobID(try $0.value(0, as: String.self)) }
            for id in ids {
                try await Self.notify(connection, JobSignal.finished(id).payload(origin: origin), logger: logger)
            }
            return ids.count
        }
    }

    func deleteFinished(before cutoff: Date) async throws -> Int {
        try await database.perform { [logger] connection in
            try await connection.rows(
                """
                DELETE FROM jobs WHERE finished_ms IS NOT NULL AND finished_ms < \(cutoff.unixMilliseconds)
                RETURNING id
                """, logger: logger
            ).count
        }
    }

    func probeWritable() async -> Bool {
        let readOnly = try? await database.perform(timeout: .seconds(2)) { [logger] connection in
            try await connection.firstRow("SELECT pg_is_in_recovery()", logger: logger)?.value(0, as: Bool.self)
        }
        return readOnly == false
    }

    func requestCancel(_ id: JobID) async throws {
        let payload = JobSignal.cancelRequested(id).payload(origin: origin)
        try await database.perform { [logger] connection in
            try await Self.notify(connection, payload, logger: logger)
        }
    }

    /// Runs a conditional update (`RETURNING id`) and, when it changed the job, announces `signal` in the same
    /// transaction; true when it changed.
    private func changed(
        _ id: JobID, _ signal: JobSignal, _ update: @escaping @Sendable () -> PostgresQuery
    ) async throws -> Bool {
        let payload = signal.payload(origin: origin)
        return try await database.transaction { [logger] connection -> Bool in
            guard try await connection.firstRow(update(), logger: logger) != nil else { return false }
            try await Self.notify(connection, payload, logger: logger)
            return true
        }
    }

    private static func notify(_ connection: PostgresConnection, _ payload: String, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(PostgresSchema.jobChannel), \(payload))", logger: logger)
    }

    private static func decode(_ row: PostgresRandomAccessRow) throws -> Job {
        let request = try JSONDecoder().decode(
            GenerationRequest.self, from: Data(try row.value(3, as: String.self).utf8))
        return Job(
            id: JobID(try row.value(0)), user: UserKey(storageKey: try row.value(1)), email: try row.value(2),
            request: request, providerHint: try row.value(4), idempotencyKey: try row.value(5),
            status: JobStatus(rawValue: try row.value(6)) ?? .failed,
            progressStep: Int(try row.value(7, as: Int32.self)), progressTotal: Int(try row.value(8, as: Int32.self)),
            provider: try row.value(9), createdAt: Date(unixMilliseconds: try row.value(10)),
            startedAt: try row.value(11, as: Int64?.self).map(Date.init(unixMilliseconds:)),
            finishedAt: try row.value(12, as: Int64?.self).map(Date.init(unixMilliseconds:)),
            costMicros: try row.value(13), errorCode: try row.value(14), errorMessage: try row.value(15),
            imageMediaType: try row.value(16))
    }
}
#endif
