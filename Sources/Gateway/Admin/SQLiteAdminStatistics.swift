import Foundation

/// `AdminStatistics` on the SQLite database, through the ledger's read-only report connection.
struct SQLiteAdminStatistics: AdminStatistics {
    let database: SQLiteDatabase

    func providerStatistics(since start: Date) async throws -> [ProviderStatistics] {
        let attempts = try await database.perform { connection in
            try connection.query(
                Self.attemptsQuery(startParameter: "?1"), [.integer(start.unixMilliseconds)]
            ) { row in
                ProviderStatistics.Attempt(
                    provider: row.text(0), outcome: row.text(1), durationMilliseconds: row.int64(2),
                    skipped: row.int64(3) != 0, followedByAnother: row.int64(4) != 0)
            }
        }
        return Self.grouped(attempts)
    }

    func latestUser(email: String) async throws -> UserKey? {
        try await database.perform { connection in
            try connection.queryFirst(Self.latestUserQuery(emailParameter: "?1"), [.text(email)]) {
                UserKey(storageKey: $0.text(0))
            }
        }
    }
}
