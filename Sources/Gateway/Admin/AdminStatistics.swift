import Foundation

/// Read-only questions the ops dashboard asks of the gateway's database: how each provider's attempts went, and
/// which user key an email last used. Runs on the database's own queue, like `JobStore`.
final class AdminStatistics: Sendable {
    private let database: SQLiteDatabase

    init(database: SQLiteDatabase) {
        self.database = database
    }

    /// Every provider's attempts since `start`: outcomes, latency of the successful ones, and failovers (a failed
    /// or skipped attempt after which the same job tried another provider).
    func providerStatistics(since start: Date) async throws -> [ProviderStatistics] {
        let rows = try await database.perform { connection in
            try connection.query(
                """
                SELECT a.provider, a.outcome, a.duration_ms, coalesce(a.detail, '') LIKE 'skipped:%',
                    EXISTS (SELECT 1 FROM attempts b WHERE b.job_id = a.job_id AND b.attempt > a.attempt)
                FROM attempts a WHERE a.started_ms >= ?1 ORDER BY a.provider
                """, [.integer(start.unixMilliseconds)]
            ) { row in
                ProviderStatistics.Attempt(
                    provider: row.text(0), outcome: row.text(1), durationMilliseconds: row.int64(2),
                    skipped: row.int64(3) != 0, followedByAnother: row.int64(4) != 0)
            }
        }
        return Dictionary(grouping: rows, by: \.provider).map { ProviderStatistics(provider: $0, attempts: $1) }
            .sorted { $0.provider < $1.provider }
    }

    /// The user key (issuer and subject) that most recently reserved quota with this email, if any.
    func latestUser(email: String) async throws -> UserKey? {
        try await database.perform { connection in
            try connection.queryFirst(
                """
                SELECT user_key FROM reservations WHERE lower(user_email) = lower(?1)
                ORDER BY reserved_ms DESC LIMIT 1
                """, [.text(email)]
            ) { UserKey(storageKey: $0.text(0)) }
        }
    }
}
