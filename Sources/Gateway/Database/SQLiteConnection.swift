import CSQLite

/// One open SQLite connection. Not thread-safe: `SQLiteDatabase` uses it only on its own serial queue.
public final class SQLiteConnection {
    let handle: OpaquePointer
    /// The database file's path, for messages.
    public let path: String
    private var statements: [String: SQLiteStatement] = [:]
    /// The checkpoints run after commits (kept alive here: SQLite holds only a pointer to it).
    var walPolicy: WALCheckpointPolicy?

    /// How a transaction takes its locks.
    public enum TransactionKind: String, Sendable {
        /// Takes the write lock at BEGIN, so a check-then-write cannot interleave with another writer.
        case immediate = "BEGIN IMMEDIATE"
        /// Takes locks when first needed; for reads.
        case deferred = "BEGIN DEFERRED"
    }

    init(path: String, readOnly: Bool, create: Bool) throws {
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        flags |= readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        var connection: OpaquePointer?
        let result = sqlite3_open_v2(path, &connection, flags, nil)
        guard result == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(connection)
            throw SQLiteError.result(result, message: message, sql: nil, path: path)
        }
        self.handle = connection
        self.path = path
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that take no parameters and return no rows (schema, pragmas).
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard result == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            throw SQLiteError.result(sqlite3_extended_errcode(handle), message: text, sql: sql, path: path)
        }
    }

    /// The cached prepared statement for `sql`, with `values` bound.
    public func prepare(_ sql: String, _ values: [SQLiteValue] = []) throws -> SQLiteStatement {
        let statement: SQLiteStatement
        if let cached = statements[sql] {
            statement = cached
        } else {
            statement = try SQLiteStatement(connection: self, sql: sql)
            statements[sql] = statement
        }
        try statement.bind(values)
        return statement
    }

    /// Runs a statement that returns no rows; answers how many rows it changed.
    @discardableResult
    public func run(_ sql: String, _ values: [SQLiteValue] = []) throws -> Int {
        let statement = try prepare(sql, values)
        defer { statement.reset() }
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and maps each row.
    public func query<Row>(
        _ sql: String, _ values: [SQLiteValue] = [], row: (SQLiteStatement) throws -> Row
    ) throws -> [Row] {
        let statement = try prepare(sql, values)
        defer { statement.reset() }
        var rows: [Row] = []
        while try statement.step() {
            rows.append(try row(statement))
        }
        return rows
    }

    /// Runs a query and maps its first row, if any.
    public func queryFirst<Row>(
        _ sql: String, _ values: [SQLiteValue] = [], row: (SQLiteStatement) throws -> Row
    ) throws -> Row? {
        let statement = try prepare(sql, values)
        defer { statement.reset() }
        return try statement.step() ? row(statement) : nil
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func withTransaction<Result>(_ kind: TransactionKind, _ body: () throws -> Result) throws -> Result {
        try run(kind.rawValue)
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch {
            if isInTransaction {
                _ = try? run("ROLLBACK")
            }
            throw error
        }
    }

    /// Whether a transaction is open (SQLite may roll one back by itself after some errors).
    public var isInTransaction: Bool {
        sqlite3_get_autocommit(handle) == 0
    }

    /// Runs `body` in a savepoint inside the open transaction: its changes are kept when it returns and undone
    /// when it throws, leaving the rest of the transaction as it was.
    func inSavepoint<Result>(_ body: () throws -> Result) throws -> Result {
        try run("SAVEPOINT grouped_write")
        do {
            let result = try body()
            try run("RELEASE grouped_write")
            return result
        } catch {
            if isInTransaction {
                _ = try? run("ROLLBACK TO grouped_write")
                _ = try? run("RELEASE grouped_write")
            }
            throw error
        }
    }

    /// Runs `body` as the only work of the open transaction: no savepoint is needed, and the whole transaction is
    /// rolled back when it throws.
    func aloneInTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch {
            if isInTransaction { _ = try? run("ROLLBACK") }
            throw error
        }
    }

    func error(_ result: Int32, sql: String?) -> SQLiteError {
        let code = sqlite3_extended_errcode(handle)
        return SQLiteError.result(
            code == SQLITE_OK ? result : code, message: String(cString: sqlite3_errmsg(handle)), sql: sql,
            path: path)
    }
}

extension SQLiteConnection {
    /// Checkpoints after commits, as SQLite's own auto-checkpoint does, and keeps the WAL from growing without
    /// bound: SQLite's passive checkpoints cannot copy frames that a reader's snapshot still needs, and the WAL
    /// starts over only when no reader is in it, so under steady reads (the usage report's connection reading one
    /// report after another) it grows by every commit, a gigabyte in half a minute under the load test. Once it
    /// holds `truncatePages`, a `TRUNCATE` checkpoint copies everything back and empties the file, with new writes
    /// held back meanwhile. This process's readers on the file (`SQLiteDatabase.pausesForCheckpoints`) are held
    /// between two reads while it runs; readers of other processes are waited for up to the busy timeout, and when
    /// that wait times out the next try comes after as many pages again.
    func bindWALCheckpoints(autoCheckpointPages: Int32, truncatePages: Int32) {
        let policy = WALCheckpointPolicy(autoCheckpointPages: autoCheckpointPages, truncatePages: truncatePages)
        walPolicy = policy
        sqlite3_wal_hook(
            handle,
            { context, database, name, pages in
                guard let context else { return SQLITE_OK }
                Unmanaged<WALCheckpointPolicy>.fromOpaque(context).takeUnretainedValue()
                    .committed(database, name, pages: pages)
                return SQLITE_OK
            }, Unmanaged.passUnretained(policy).toOpaque())
    }
}

/// What `bindWALCheckpoints` does after each commit. Used only on its connection's queue.
final class WALCheckpointPolicy {
    let autoCheckpointPages: Int32
    let truncatePages: Int32
    private var nextTruncateAt: Int32
    /// TRUNCATE checkpoints that emptied the WAL (for tests and diagnostics).
    private(set) var truncations = 0
    /// This process's read-only databases on the same file, held still while a TRUNCATE checkpoint runs.
    var pausedReaders: [SQLiteDatabase] = []

    init(autoCheckpointPages: Int32, truncatePages: Int32) {
        self.autoCheckpointPages = autoCheckpointPages
        self.truncatePages = truncatePages
        nextTruncateAt = truncatePages
    }

    func committed(_ database: OpaquePointer?, _ name: UnsafePointer<CChar>?, pages: Int32) {
        if pages < autoCheckpointPages {
            if pages < nextTruncateAt - truncatePages { nextTruncateAt = truncatePages }
            return
        }
        if pages >= nextTruncateAt {
            if truncate(database, name, holding: pausedReaders[...]) == SQLITE_OK {
                truncations += 1
                nextTruncateAt = truncatePages
            } else {
                nextTruncateAt = pages + truncatePages
            }
        } else {
            sqlite3_wal_checkpoint_v2(database, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
        }
    }

    /// The TRUNCATE checkpoint, run while each of `readers` is held between two reads.
    private func truncate(
        _ database: OpaquePointer?, _ name: UnsafePointer<CChar>?, holding readers: ArraySlice<SQLiteDatabase>
    ) -> Int32 {
        guard let reader = readers.first else {
            return sqlite3_wal_checkpoint_v2(database, name, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
        }
        return reader.whilePaused { truncate(database, name, holding: readers.dropFirst()) }
    }
}
