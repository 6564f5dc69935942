import Foundation
import Synchronization
import Testing

@testable import Gateway

/// The write-ahead log stays bounded while readers keep it busy (what the usage report's connection does under
/// load): without the truncating checkpoint it grows by every commit.
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

    @Test func overlappingReadersCannotMakeTheWALGrowWithoutBound() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let options = SQLiteDatabase.Options(walAutoCheckpointPages: 50, walTruncatePages: 200)
        let database = try await SQLiteDatabase.open(path: folder.databasePath, options: options, migrations: Self.schema)
        let readers = try await (0..<2).asyncMap { _ in
            try await SQLiteDatabase.open(
                path: folder.databasePath, options: SQLiteDatabase.Options(readOnly: true, create: false),
                migrations: Self.schema)
        }
        let progress = Progress()
        let walPath = folder.databasePath + "-wal"

        // Two readers, each holding a snapshot for 30 ms and starting 15 ms apart, so one is always inside the WAL.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, reader) in readers.enumerated() {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(15 * index))
                    for _ in 0..<2_000 where progress.writing.load(ordering: .relaxed) {
                        try await reader.perform { connection in
                            try connection.withTransaction(.deferred) {
                                _ = try connection.queryFirst("SELECT count(*) FROM rows") { $0.int64(0) }
                                usleep(30_000)
                            }
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
                    progress.largestWAL.store(max(progress.largestWAL.load(ordering: .relaxed), size), ordering: .relaxed)
                }
            }
            try await group.waitForAll()
        }

        // 1,000 commits of two pages each: a starved WAL would pass 2,000 pages. Allow the truncation threshold
        // plus one try's worth of slack.
        let truncations = try await database.perform { $0.walPolicy?.truncations ?? 0 }
        #expect(truncations >= 1)
        #expect(progress.largestWAL.load(ordering: .relaxed) < 450 * Self.pageSize)
        let rows = try await database.perform { try $0.queryFirst("SELECT count(*) FROM rows") { $0.int64(0) } }
        #expect(rows == 1_000)
        for reader in readers { await reader.close() }
        await database.close()
    }
}

extension Sequence {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var values: [T] = []
        for element in self { values.append(try await transform(element)) }
        return values
    }
}
