import Foundation
import Testing

@testable import Gateway

/// The SQLite wrapper: WAL mode, migrations by user_version, and clear errors for files it cannot use.
@Suite struct LedgerDatabaseTests {
    @Test func opensInWALModeAndMigratesOnce() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let database = try await SQLiteDatabase.open(
            path: folder.databasePath, migrations: GatewaySchema.migrations)
        let (mode, version, synchronous) = try await database.perform { connection in
            (
                try connection.queryFirst("PRAGMA journal_mode") { $0.text(0) },
                try connection.queryFirst("PRAGMA user_version") { $0.int64(0) },
                try connection.queryFirst("PRAGMA synchronous") { $0.int64(0) }
            )
        }
        #expect(mode == "wal")
        #expect(version == Int64(GatewaySchema.migrations.count))
        #expect(synchronous == 1)
        await database.close()
        let closed = await #expect(throws: SQLiteError.self) {
            try await database.perform { _ in 1 }
        }
        #expect(closed?.reason == "closed")

        // Reopening with one more step applies only that step.
        let extra = SQLiteMigration(
            version: Int32(GatewaySchema.migrations.count + 1), name: "test table", sql: "CREATE TABLE extra (id INTEGER)")
        let reopened = try await SQLiteDatabase.open(
            path: folder.databasePath, options: SQLiteDatabase.Options(synchronous: .full),
            migrations: GatewaySchema.migrations + [extra])
        let tables = try await reopened.perform { connection in
            try connection.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name") { $0.text(0) }
        }
        #expect(
            tables == [
                "attempts", "extra", "jobs", "quota_windows", "reservations", "usage_provider_days", "usage_user_days",
            ])
        #expect(try await reopened.perform { try $0.queryFirst("PRAGMA synchronous") { $0.int64(0) } } == 2)
        await reopened.close()

        // The older list cannot open the newer file.
        let tooNew = await #expect(throws: SQLiteError.self) {
            try await SQLiteDatabase.open(path: folder.databasePath, migrations: GatewaySchema.migrations)
        }
        #expect(tooNew?.reason == "schema_too_new")
    }

    @Test func aFileThatIsNotSQLiteIsAClearError() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: folder.databasePath))
        let error = await #expect(throws: SQLiteError.self) {
            try await LedgerFixtures.openLedger(folder)
        }
        #expect(error?.reason == "not_a_database")
        #expect(error?.message.contains("is not a SQLite database") == true)
    }

    @Test func aMissingFolderIsAClearError() async throws {
        let error = await #expect(throws: SQLiteError.self) {
            try await SQLiteDatabase.open(
                path: "/nonexistent-folder-\(UUID().uuidString)/gateway.sqlite", migrations: GatewaySchema.migrations)
        }
        #expect(error?.reason == "open_failed")
    }

    @Test func migrationsMustBeNumberedInOrder() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let error = await #expect(throws: SQLiteError.self) {
            try await SQLiteDatabase.open(
                path: folder.databasePath,
                migrations: [SQLiteMigration(version: 2, name: "skips one", sql: "SELECT 1")])
        }
        #expect(error?.reason == "invalid_migrations")
    }

    @Test func groupedWritesRollBackOnlyTheOneThatFails() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let database = try await SQLiteDatabase.open(
            path: folder.databasePath,
            migrations: [
                SQLiteMigration(
                    version: 1, name: "t",
                    sql: "CREATE TABLE t (k INTEGER UNIQUE, note TEXT); INSERT INTO t VALUES (-1, 'taken')")
            ])
        // 300 concurrent writes, each inserting two rows; every third one's second row breaks the unique key.
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<300 {
                group.addTask {
                    do {
                        try await database.write { connection in
                            try connection.run("INSERT INTO t VALUES (?1, 'first')", [.integer(Int64(index + 1_000))])
                            let second = index % 3 == 0 ? -1 : index + 10_000
                            try connection.run("INSERT INTO t VALUES (?1, 'second')", [.integer(Int64(second))])
                        }
                        return true
                    } catch {
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        let rows = try await database.perform { connection in
            try connection.queryFirst("SELECT count(*) FROM t") { $0.int64(0) }
        }
        #expect(results.filter { $0 }.count == 200)
        #expect(rows == 401)  // the taken row and two rows from each of the 200 writes that committed

        // A lone write that fails halfway leaves nothing behind either.
        await #expect(throws: SQLiteError.self) {
            try await database.write { connection in
                try connection.run("INSERT INTO t VALUES (5, 'alone')")
                try connection.run("INSERT INTO t VALUES (-1, 'taken again')")
            }
        }
        let alone = try await database.perform { connection in
            try connection.queryFirst("SELECT count(*) FROM t WHERE k = 5") { $0.int64(0) }
        }
        #expect(alone == 0)
        await database.close()
    }

    @Test func statementsBindAndReadEveryType() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let database = try await SQLiteDatabase.open(path: folder.databasePath, migrations: [])
        let row = try await database.perform { connection in
            try connection.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
            try connection.run(
                "INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)",
                [.integer(Int64.max), .real(2.5), .text("héllo ✓"), .blob([0, 1, 255]), .null])
            return try connection.queryFirst("SELECT i, r, s, b, n FROM t") {
                ($0.int64(0), $0.double(1), $0.text(2), $0.blob(3), $0.optionalText(4))
            }
        }
        #expect(row?.0 == Int64.max)
        #expect(row?.1 == 2.5)
        #expect(row?.2 == "héllo ✓")
        #expect(row?.3 == [0, 1, 255])
        #expect(row?.4 == nil)
        let failed = await #expect(throws: SQLiteError.self) {
            try await database.perform { try $0.run("INSERT INTO missing VALUES (1)") }
        }
        #expect(failed?.reason == "sqlite_error")
        #expect(failed?.message.contains("no such table") == true)
        await database.close()
    }
}
