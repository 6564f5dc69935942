import Foundation
import Synchronization
import Testing

@testable import Gateway

/// The write-ahead log stays bounded while a reader keeps it busy, as the usage report's connection does under load
/// (one read after another): without the truncating checkpoint it grows by every commit.
@Suite struct WALCheckpointTests {
    static let pageSize = 4096
    static var schema: [SQLiteMigration] {
        [SQLiteMigration(version: 1, name: "rows", sql: "CREATE TABLE rows (id INTEGER PRIMARY KEY, payload BLOB)")]
    }

    /// Shared between the writer and the readers.
    final class Progress: Sendable {
        let writing = Atomic<Bool>(true)
        let largestWAL = Atomic<Int>(0)
    }

    @Test func aBusyReaderCannotMakeTheWALGrowWithoutBound() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let options = SQLiteDatabase.Options(walAutoCheckpointPages: 50, walTruncatePages: 200)
        let database = try await SQLiteDatabase.open(
            path: folder.databasePath, options: options, migrations: Self.schema)
        let reader = try await SQLiteDatabase.open(
            path: folder.databasePath, options: SQLiteDatabase.Options(readOnly: true, create: false),
            migrations: Self.schema)
        await database.pausesForCheckpoints(reader)
        let progress = Progress()
        let walPath = folder.databasePath + "-wal"

        // The reader holds a snapshot for 10 ms at a time, one read right after another.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for _ in 0..<10_000 where progress.writing.load(ordering: .relaxed) {
                    try await reader.perform { connection in
                        try connection.withTransaction(.deferred) {
                            _ = try connection.queryFirst("SELECT count(*) FROM rows") { $0.int64(0) }
                            usleep(10_000)
                        }
                    }
                }
            }
            group.addTask {
                defer { progress.writing.store(false, ordering: .relaxed) }
                let payload = [UInt8](repeating: 7, count: Self.pageSize)
                for _ in 0..<1_000 {
                    try await database.write { connection in
                        try connection.run("INSERT INTO rows (payload) VALUES (?1)", [.blob(payload)])
                    }
                    let size = (try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? Int) ?? 0
                    progress.largestWAL.store(
                        max(progress.largestWAL.load(ordering: .relaxed), size), ordering: .relaxed)
                }
            }
            try await group.waitForAll()
        }

        // 1,000 commits of two pages or more each: a starved WAL passes 2,000 pages. The truncation comes at 200.
        let truncations = try await database.perform { $0.walPolicy?.truncations ?? 0 }
        #expect(truncations >= 1)
        #expect(progress.largestWAL.load(ordering: .relaxed) < 300 * Self.pageSize)
        let rows = try await database.perform { try $0.queryFirst("SELECT count(*) FROM rows") { $0.int64(0) } }
        #expect(rows == 1_000)
        await reader.close()
        await database.close()
    }
}
