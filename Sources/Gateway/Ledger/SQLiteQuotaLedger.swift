import Foundation

/// The quota ledger on the gateway's SQLite database: one writer connection on its own queue, WAL, every
/// check-and-write in one `BEGIN IMMEDIATE` transaction. One process writes a database file (a lock file says so).
public final class SQLiteQuotaLedger: QuotaLedger {
    let database: SQLiteDatabase
    /// A read-only connection on a queue of its own for the ops' reports (usage, provider statistics): WAL lets it
    /// read the last commit while the writer goes on, so a month's report does not hold up reservations. The
    /// writer's own connection for a read-only ledger.
    let reports: SQLiteDatabase
    /// The running process; held reservations of any other owner are orphans.
    public let owner: LedgerOwner
    let requestRate = RequestRateWindow()
    let windowCache = UserWindowCache()
    private let fileLock: DatabaseFileLock?

    init(database: SQLiteDatabase, reports: SQLiteDatabase, owner: LedgerOwner, fileLock: DatabaseFileLock?) {
        self.database = database
        self.reports = reports
        self.owner = owner
        self.fileLock = fileLock
    }

    /// Opens the ledger at `path`, creating and migrating the database as needed. A writer takes the database's
    /// lock file; a read-only ledger (for `usage`) does not, and may run beside the gateway.
    public static func open(
        path: String, owner: LedgerOwner, options: SQLiteDatabase.Options = SQLiteDatabase.Options()
    ) async throws -> SQLiteQuotaLedger {
        let fileLock = options.readOnly ? nil : try DatabaseFileLock(databasePath: path)
        let database = try await SQLiteDatabase.open(
            path: path, options: options, migrations: GatewaySchema.migrations)
        guard !options.readOnly else {
            return SQLiteQuotaLedger(database: database, reports: database, owner: owner, fileLock: fileLock)
        }
        let reports: SQLiteDatabase
        do {
            reports = try await SQLiteDatabase.open(
                path: path, options: .init(readOnly: true, create: false), migrations: GatewaySchema.migrations)
        } catch {
            await database.close()
            fileLock?.release()
            throw error
        }
        await database.pausesForCheckpoints(reports)
        return SQLiteQuotaLedger(database: database, reports: reports, owner: owner, fileLock: fileLock)
    }

    /// Closes the database after the work already queued and gives up the writer's lock.
    public func close() async {
        if reports !== database { await reports.close() }
        await database.close()
        fileLock?.release()
    }
}

extension SQLiteQuotaLedger {
    /// The largest amount of money one job or attempt may carry (`LedgerRules.maximumMicros`).
    static let maximumMicros = LedgerRules.maximumMicros

    static let reservationColumns = """
        job_id, user_key, user_email, state, estimate_micros, charged_micros, produced_image,
        charges_failed_attempts, idempotency_key, owner_instance, owner_started_ms, reserved_ms, closed_ms,
        close_reason, request_hash, day_start, month_start
        """

    /// A reservation row with the columns of `reservationColumns`, plus what closing it needs.
    struct Row {
        var reservation: Reservation
        var requestHash: String?
        var dayStart: Int64
        var monthStart: Int64
    }

    static func decodeRow(_ statement: SQLiteStatement) -> Row {
        let reservation = Reservation(
            jobID: JobID(statement.text(0)),
            user: UserKey(storageKey: statement.text(1)),
            email: statement.optionalText(2),
            state: Reservation.State(rawValue: statement.text(3)) ?? .held,
            estimateMicros: statement.int64(4),
            chargedMicros: statement.int64(5),
            producedImage: statement.int64(6) != 0,
            chargesFailedAttempts: statement.int64(7) != 0,
            idempotencyKey: statement.optionalText(8),
            owner: LedgerOwner(
                instanceID: statement.text(9), processStartedAt: Date(unixMilliseconds: statement.int64(10))),
            reservedAt: Date(unixMilliseconds: statement.int64(11)),
            closedAt: statement.optionalInt64(12).map(Date.init(unixMilliseconds:)),
            closeReason: statement.optionalText(13))
        return Row(
            reservation: reservation, requestHash: statement.optionalText(14), dayStart: statement.int64(15),
            monthStart: statement.int64(16))
    }

    static func loadRow(_ connection: SQLiteConnection, jobID: JobID) throws -> Row? {
        try connection.queryFirst(
            "SELECT \(reservationColumns) FROM reservations WHERE job_id = ?1", [.text(jobID.rawValue)],
            row: decodeRow)
    }

    /// Adds `images` and `spendMicros` (either may be negative) to the user's day and month windows. Every change
    /// of a user's windows or held jobs goes through here, which is where the user's cached windows are forgotten.
    func adjustWindows(
        _ connection: SQLiteConnection, userKey: String, dayStart: Int64, monthStart: Int64, images: Int64,
        spendMicros: Int64
    ) throws {
        windowCache.forget(user: userKey)
        for (period, start) in [("day", dayStart), ("month", monthStart)] {
            try connection.run(
                """
                INSERT INTO quota_windows (user_key, period, period_start, images, spend_micros)
                VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (user_key, period, period_start) DO UPDATE SET
                    images = images + excluded.images, spend_micros = spend_micros + excluded.spend_micros
                """,
                [.text(userKey), .text(period), .integer(start), .integer(images), .integer(spendMicros)])
        }
    }
}
