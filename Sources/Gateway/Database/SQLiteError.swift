import CSQLite

/// A failure from the SQLite database: what went wrong, SQLite's own result code and message, and the statement.
public struct SQLiteError: Error, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case openFailed = "open_failed"
        case notADatabase = "not_a_database"
        case busy
        case constraint
        case schemaTooNew = "schema_too_new"
        case invalidMigrations = "invalid_migrations"
        case locked = "locked_by_another_process"
        case closed
        case failed = "sqlite_error"
    }

    private let code: Code
    /// SQLite's extended result code (`SQLITE_*`), or 0 when the error did not come from SQLite itself.
    public let resultCode: Int32
    /// What happened and what to do about it.
    public let message: String
    /// The statement that failed, when there was one.
    public let sql: String?

    /// A stable machine-readable reason, e.g. `not_a_database` or `busy`.
    public var reason: String { code.rawValue }

    /// Whether the storage itself refused the work (I/O error, disk full, read-only or unopenable file, busy past
    /// the timeout, closed) rather than the statement being wrong: the caller may retry once storage recovers.
    public var isStorageFault: Bool {
        switch code {
        case .openFailed, .busy, .locked, .closed: return true
        case .failed: return [SQLITE_IOERR, SQLITE_FULL, SQLITE_PROTOCOL].contains(resultCode & 0xFF)
        case .notADatabase, .constraint, .schemaTooNew, .invalidMigrations: return false
        }
    }

    public var description: String {
        var text = "SQLite error [\(reason), code \(resultCode)]: \(message)"
        if let sql { text += " (in: \(sql.prefix(120)))" }
        return text
    }

    private init(_ code: Code, resultCode: Int32 = 0, message: String, sql: String? = nil) {
        self.code = code
        self.resultCode = resultCode
        self.message = message
        self.sql = sql
    }

    /// Builds the error for a failed SQLite call from its result code and the connection's message.
    static func result(_ resultCode: Int32, message: String, sql: String?, path: String) -> SQLiteError {
        switch resultCode & 0xFF {
        case SQLITE_NOTADB:
            return SQLiteError(
                .notADatabase, resultCode: resultCode,
                message: "the file at \(path) is not a SQLite database (\(message)); point --data at the right "
                    + "folder or move the file away", sql: sql)
        case SQLITE_BUSY, SQLITE_LOCKED:
            return SQLiteError(
                .busy, resultCode: resultCode,
                message: "the database at \(path) stayed busy past the busy timeout (\(message))", sql: sql)
        case SQLITE_CONSTRAINT:
            return SQLiteError(.constraint, resultCode: resultCode, message: message, sql: sql)
        case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_READONLY:
            return SQLiteError(
                .openFailed, resultCode: resultCode,
                message: "cannot open or write the database at \(path) (\(message)); check the folder exists "
                    + "and is writable", sql: sql)
        default:
            return SQLiteError(.failed, resultCode: resultCode, message: message, sql: sql)
        }
    }

    static func schemaTooNew(found: Int32, known: Int32, path: String) -> SQLiteError {
        SQLiteError(
            .schemaTooNew,
            message: "the database at \(path) has schema version \(found) but this gateway knows only up to "
                + "\(known); run a newer gateway or restore an older database")
    }

    static func invalidMigrations(_ detail: String) -> SQLiteError {
        SQLiteError(.invalidMigrations, message: "the migration list is invalid: \(detail)")
    }

    static func locked(path: String) -> SQLiteError {
        SQLiteError(
            .locked,
            message: "another process already writes the ledger at \(path); stop it first (one gateway process "
                + "per database file)")
    }

    static func closed(path: String) -> SQLiteError {
        SQLiteError(.closed, message: "the database at \(path) has been closed")
    }
}
