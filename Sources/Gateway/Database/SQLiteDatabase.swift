import CSQLite
import Dispatch
import Foundation

/// A SQLite database reached through one connection on a dedicated serial queue: every blocking SQLite call runs
/// there, never on Swift's cooperative pool, and callers await the result. One connection means one writer.
public final class SQLiteDatabase: @unchecked Sendable {
    /// How the database file is opened and tuned.
    public struct Options: Sendable {
        /// When a commit is forced to disk.
        public enum Synchronous: String, Sendable {
            /// fsync the WAL at every commit: committed transactions survive power loss.
            case full = "FULL"
            /// fsync only at checkpoints: committed transactions survive a killed process (the WAL is in the OS
            /// page cache), and only the last ones may be lost on power loss.
            case normal = "NORMAL"
        }

        public var synchronous: Synchronous
        /// How long a statement waits for another process's lock before failing with `busy`.
        public var busyTimeoutMilliseconds: Int32
        /// The WAL is copied back into the database once it holds this many pages. Each checkpoint costs two
        /// fsyncs, so a larger WAL (10,000 pages is about 40 MB) makes commits cheaper on average.
        public var walAutoCheckpointPages: Int32
        /// Past this many pages (160 MB at the default) a WAL that readers kept from starting over is emptied by a
        /// checkpoint that briefly holds back new writes and this process's report reads.
        public var walTruncatePages: Int32
        /// Open without writing; used by read-only tools.
        public var readOnly: Bool
        /// Create the file when it does not exist.
        public var create: Bool

        public init(
            synchronous: Synchronous = .normal, busyTimeoutMilliseconds: Int32 = 5_000,
            walAutoCheckpointPages: Int32 = 10_000, walTruncatePages: Int32 = 40_000, readOnly: Bool = false,
            create: Bool = true
        ) {
            self.synchronous = synchronous
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.walAutoCheckpointPages = walAutoCheckpointPages
            self.walTruncatePages = walTruncatePages
            self.readOnly = readOnly
            self.create = create
        }
    }

    /// The database file's path.
    public let path: String
    private let queue: DispatchQueue
    /// Touched only on `queue`.
    private var connection: SQLiteConnection?
    /// Writes waiting for the next group commit, and whether a drain is already queued. Guarded by `pendingLock`.
    private let pendingLock = NSLock()
    private var pendingWrites: [SQLiteGroupWrite] = []
    private var drainScheduled = false

    private init(path: String, queue: DispatchQueue, connection: SQLiteConnection) {
        self.path = path
        self.queue = queue
        self.connection = connection
    }

    /// Opens (or creates) the database at `path` in WAL mode and applies `migrations` in order.
    public static func open(
        path: String, options: Options = Options(), migrations: [SQLiteMigration]
    ) async throws -> SQLiteDatabase {
        let queue = DispatchQueue(label: "sqlite.\(path)", qos: .userInitiated)
        let connection = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<SQLiteConnectionBox, Error>) in
            queue.async {
                continuation.resume(
                    with: Result {
                        let connection = try SQLiteConnection(
                            path: path, readOnly: options.readOnly, create: options.create)
                        try connection.configure(options)
                        if !options.readOnly {
                            try connection.migrate(migrations)
                        } else {
                            try connection.checkSchema(migrations)
                        }
                        return SQLiteConnectionBox(connection: connection)
                    })
            }
        }
        return SQLiteDatabase(path: path, queue: queue, connection: connection.connection)
    }

    /// Runs `body` with the connection on the database's queue and returns its result.
    public func perform<Result: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                guard let connection = self.connection else {
                    continuation.resume(throwing: SQLiteError.closed(path: self.path))
                    return
                }
                continuation.resume(with: Swift.Result { try body(connection) })
            }
        }
    }

    /// Runs `body` as one write in a `BEGIN IMMEDIATE` transaction and returns its result once it is committed.
    /// Writes that arrive while another commits are grouped into the next transaction, each in its own savepoint:
    /// they still run one after the other, each seeing the ones before (a lone write needs no savepoint), and a body
    /// that throws rolls back only its own changes. One commit (and, with `FULL`, one fsync) serves the whole group.
    public func write<Result: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let write = SQLiteGroupWrite(
                execute: { connection, alone in
                    let result = Swift.Result {
                        alone
                            ? try connection.aloneInTransaction { try body(connection) }
                            : try connection.inSavepoint { try body(connection) }
                    }
                    return { commitError in
                        if let commitError, case .success = result {
                            continuation.resume(throwing: commitError)
                        } else {
                            continuation.resume(with: result)
                        }
                    }
                },
                fail: { error in continuation.resume(throwing: error) })
            let schedule = pendingLock.withLock {
                pendingWrites.append(write)
                defer { drainScheduled = true }
                return !drainScheduled
            }
            if schedule {
                queue.async { self.drainWrites() }
            }
        }
    }

    /// Runs every pending write in one transaction and completes them after the commit. If SQLite abandons the
    /// transaction midway (I/O error, disk full), the writes that ran in it fail with that error and the rest start
    /// a new one.
    private func drainWrites() {
        let batch = pendingLock.withLock {
            defer {
                pendingWrites = []
                drainScheduled = false
            }
            return pendingWrites
        }
        guard let connection else {
            for write in batch { write.fail(SQLiteError.closed(path: path)) }
            return
        }
        var completions: [(Error?) -> Void] = []
        for write in batch {
            if !connection.isInTransaction {
                do {
                    try connection.run("BEGIN IMMEDIATE")
                } catch {
                    write.fail(error)
                    continue
                }
            }
            completions.append(write.execute(connection, batch.count == 1))
            if !connection.isInTransaction {
                let lost = SQLiteError.result(
                    SQLITE_ABORT, message: "the transaction was rolled back by an error in a grouped write",
                    sql: nil, path: path)
                for completion in completions { completion(lost) }
                completions = []
            }
        }
        guard connection.isInTransaction else { return }
        var commitError: Error?
        do {
            try connection.run("COMMIT")
        } catch {
            commitError = error
            if connection.isInTransaction { _ = try? connection.run("ROLLBACK") }
        }
        for completion in completions { completion(commitError) }
    }

    /// Makes the truncating checkpoints of this (writing) database hold `reader`'s queue while they run: a
    /// read-only database of this process on the same file, such as the ledger's report connection. A reader that
    /// starts one read right after another leaves the checkpoint almost no moment without a read in progress, so
    /// instead of waiting for one, the checkpoint waits for the current read to end and keeps the next from
    /// starting until the WAL is emptied.
    func pausesForCheckpoints(_ reader: SQLiteDatabase) async {
        _ = try? await perform { connection in connection.walPolicy?.pausedReaders.append(reader) }
    }

    /// Runs `body` on this database's queue, once the work queued before it is done, and waits for it. Only for
    /// the writer's checkpoint: nothing on this queue ever waits for the writer's queue, so it cannot deadlock.
    func whilePaused<Result>(_ body: () -> Result) -> Result {
        queue.sync(execute: body)
    }

    /// Closes the connection after the work already queued; later calls fail with `closed`.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.connection = nil
                continuation.resume()
            }
        }
    }
}

/// Carries a connection from the queue that opened it back to the caller; the connection stays on that queue.
private struct SQLiteConnectionBox: @unchecked Sendable {
    let connection: SQLiteConnection
}

extension SQLiteConnection {
    /// WAL journal, the chosen sync level, a busy timeout and foreign keys. Fails clearly on a non-SQLite file.
    func configure(_ options: SQLiteDatabase.Options) throws {
        try execute("PRAGMA busy_timeout = \(options.busyTimeoutMilliseconds)")
        try execute("PRAGMA foreign_keys = ON")
        if !options.readOnly {
            let mode = try queryFirst("PRAGMA journal_mode = WAL") { $0.text(0) }
            guard mode?.lowercased() == "wal" else {
                throw SQLiteError.result(
                    SQLITE_ERROR, message: "could not switch to WAL journal mode (got \(mode ?? "nothing"))", sql: nil,
                    path: path)
            }
        } else {
            _ = try queryFirst("SELECT count(*) FROM sqlite_schema") { $0.int64(0) }
        }
        try execute("PRAGMA synchronous = \(options.synchronous.rawValue)")
        if !options.readOnly {
            bindWALCheckpoints(
                autoCheckpointPages: options.walAutoCheckpointPages,
                truncatePages: max(options.walTruncatePages, options.walAutoCheckpointPages))
        }
    }
}
