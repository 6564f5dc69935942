/// One step of the schema: applied once, in order, and recorded in `PRAGMA user_version`.
public struct SQLiteMigration: Sendable {
    /// The schema version this step brings the database to; steps are numbered 1, 2, 3, ...
    public let version: Int32
    /// A short name for logs.
    public let name: String
    /// The statements of the step.
    public let sql: String

    public init(version: Int32, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

extension SQLiteConnection {
    /// The schema version recorded in the file.
    func schemaVersion() throws -> Int32 {
        Int32(try queryFirst("PRAGMA user_version") { $0.int64(0) } ?? 0)
    }

    /// Applies the steps of `migrations` the database has not seen yet, all in one transaction.
    func migrate(_ migrations: [SQLiteMigration]) throws {
        let latest = try validated(migrations)
        try withTransaction(.immediate) {
            let current = try schemaVersion()
            guard current <= latest else {
                throw SQLiteError.schemaTooNew(found: current, known: latest, path: path)
            }
            for migration in migrations where migration.version > current {
                try execute(migration.sql)
                try execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }

    /// For read-only opens: the file's schema must be one this code knows.
    func checkSchema(_ migrations: [SQLiteMigration]) throws {
        let latest = try validated(migrations)
        let current = try schemaVersion()
        guard current <= latest else {
            throw SQLiteError.schemaTooNew(found: current, known: latest, path: path)
        }
    }

    private func validated(_ migrations: [SQLiteMigration]) throws -> Int32 {
        for (offset, migration) in migrations.enumerated() where migration.version != Int32(offset + 1) {
            throw SQLiteError.invalidMigrations(
                "step \(offset + 1) (\(migration.name)) has version \(migration.version); versions must be 1, 2, 3...")
        }
        return Int32(migrations.count)
    }
}
