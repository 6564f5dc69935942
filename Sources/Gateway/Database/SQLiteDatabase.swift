import Dispatch

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
        /// Open without writing; used by read-only tools.
        public var readOnly: Bool
        /// Create the file when it does not exist.
        public var create: Bool

        public init(
            synchronous: Synchronous = .normal, busyTimeoutMilliseconds: Int32 = 5_000, readOnly: Bool = false,
            create: Bool = true
        ) {
            self.synchronous = synchronous
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.readOnly = readOnly
            self.create = create
        }
    }

    /// The database file's path.
    public let path: String
    private let queue: DispatchQueue
    /// Touched only on `queue`.
    private var connection: SQLiteConnection?

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
                    1, message: "could not switch to WAL journal mode (got \(mode ?? "nothing"))", sql: nil,
                    path: path)
            }
        } else {
            _ = try queryFirst("SELECT count(*) FROM sqlite_schema") { $0.int64(0) }
        }
        try execute("PRAGMA synchronous = \(options.synchronous.rawValue)")
    }
}
