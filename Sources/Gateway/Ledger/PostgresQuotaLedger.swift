#if GATEWAY_POSTGRES
import Foundation
import Logging
import PostgresNIO

/// The quota ledger on a PostgreSQL database shared by many gateway instances. Check-and-reserve runs in one
/// transaction that first locks the user's row in `ledger_users` (`SELECT ... FOR UPDATE`), so reservations of one
/// user are serialised across every instance and N concurrent ones against a limit of k admit exactly k. Each
/// process registers in `gateway_instances` and keeps a heartbeat; the held reservations of a process whose
/// heartbeat is older than the lease are released by whichever instance sweeps first.
public final class PostgresQuotaLedger: QuotaLedger {
    let database: PostgresGatewayDatabase
    /// The running process; its reservations carry it.
    public let owner: LedgerOwner
    /// A process whose heartbeat is older than this has died; its holds are released.
    public let lease: Duration
    let requestRate = RequestRateWindow()
    var logger: Logger { database.logger }

    init(database: PostgresGatewayDatabase, owner: LedgerOwner, lease: Duration) {
        self.database = database
        self.owner = owner
        self.lease = lease
    }

    /// Opens the ledger on the database at `storeURL` (`postgres://...`), creating and migrating the schema, and
    /// registers this process. `close()` gives the registration back.
    public static func open(
        storeURL: String, owner: LedgerOwner, lease: Duration = .seconds(30),
        logger: Logger = Logger(label: "diffusion-gateway.store")
    ) async throws -> PostgresQuotaLedger {
        let database = try await PostgresGatewayDatabase.open(
            url: try PostgresStoreURL(storeURL), migrations: PostgresSchema.migrations, logger: logger)
        let ledger = PostgresQuotaLedger(database: database, owner: owner, lease: lease)
        do {
            try await ledger.register()
        } catch {
            await database.close()
            throw error
        }
        return ledger
    }

    /// Unregisters this process and closes the connections.
    public func close() async {
        await unregister()
        await database.close()
    }

    /// Registers this process (its first heartbeat), so its reservations are not taken for orphans.
    func register() async throws {
        try await heartbeat()
    }

    /// Renews this process's lease; a process that lost it (a long pause) registers again.
    public func heartbeat() async throws {
        let owner = self.owner
        try await database.perform(control: true) { [logger] connection in
            try await connection.query(
                """
                INSERT INTO gateway_instances (instance_id, started_ms, heartbeat_at)
                VALUES (\(owner.instanceID), \(owner.processStartedAt.unixMilliseconds), clock_timestamp())
                ON CONFLICT (instance_id, started_ms) DO UPDATE SET heartbeat_at = clock_timestamp()
                """, logger: logger)
        }
    }

    /// Removes this process's registration (at shutdown, once its jobs are closed).
    func unregister() async {
        let owner = self.owner
        _ = try? await database.perform { [logger] connection in
            try await connection.query(
                """
                DELETE FROM gateway_instances
                WHERE instance_id = \(owner.instanceID) AND started_ms = \(owner.processStartedAt.unixMilliseconds)
                """, logger: logger)
        }
    }
}

extension PostgresQuotaLedger {
    static let reservationColumns = """
        job_id, user_key, user_email, state, estimate_micros, charged_micros, produced_image,
        charges_failed_attempts, idempotency_key, owner_instance, owner_started_ms, reserved_ms, closed_ms,
        close_reason, request_hash, day_start, month_start
        """

    /// A reservation row, plus what closing it needs.
    struct Row: Sendable {
        var reservation: Reservation
        var requestHash: String?
        var dayStart: Int64
        var monthStart: Int64
    }

    static func decodeRow(_ row: PostgresRandomAccessRow) throws -> Row {
        let reservation = Reservation(
            jobID: JobID(try row.value(0, as: String.self)),
            user: UserKey(storageKey: try row.value(1, as: String.self)),
            email: try row.value(2, as: String?.self),
            state: Reservation.State(rawValue: try row.value(3, as: String.self)) ?? .held,
            estimateMicros: try row.value(4), chargedMicros: try row.value(5),
            producedImage: try row.value(6), chargesFailedAttempts: try row.value(7),
            idempotencyKey: try row.value(8, as: String?.self),
            owner: LedgerOwner(
                instanceID: try row.value(9), processStartedAt: Date(unixMilliseconds: try row.value(10))),
            reservedAt: Date(unixMilliseconds: try row.value(11)),
            closedAt: try row.value(12, as: Int64?.self).map(Date.init(unixMilliseconds:)),
            closeReason: try row.value(13, as: String?.self))
        return Row(
            reservation: reservation, requestHash: try row.value(14, as: String?.self), dayStart: try row.value(15),
            monthStart: try row.value(16))
    }

    static func loadRow(
        _ connection: PostgresConnection, jobID: JobID, forUpdate: Bool = false, logger: Logger
    ) async throws -> Row? {
        let lock = forUpdate ? " FOR UPDATE" : ""
        return try await connection.firstRow(
            "SELECT \(unescaped: reservationColumns) FROM reservations WHERE job_id = \(jobID.rawValue)\(unescaped: lock)",
            logger: logger
        ).map(decodeRow)
    }

    /// Locks the user's row for the rest of the transaction, creating it on first use: every check-and-write of
    /// one user's windows happens under this lock, whichever instance runs it.
    static func lockUser(_ connection: PostgresConnection, userKey: String, logger: Logger) async throws {
        try await connection.query(
            "INSERT INTO ledger_users (user_key) VALUES (\(userKey)) ON CONFLICT (user_key) DO NOTHING",
            logger: logger)
        try await connection.query(
            "SELECT user_key FROM ledger_users WHERE user_key = \(userKey) FOR UPDATE", logger: logger)
    }

    /// Adds `images` and `spendMicros` (either may be negative) to the user's day and month windows.
    static func adjustWindows(
        _ connection: PostgresConnection, userKey: String, dayStart: Int64, monthStart: Int64, images: Int64,
        spendMicros: Int64, logger: Logger
    ) async throws {
        for (period, start) in [("day", dayStart), ("month", monthStart)] {
            try await connection.query(
                """
                INSERT INTO quota_windows (user_key, period, period_start, images, spend_micros)
                VALUES (\(userKey), \(period), \(start), \(images), \(spendMicros))
                ON CONFLICT (user_key, period, period_start) DO UPDATE SET
                    images = quota_windows.images + excluded.images,
                    spend_micros = quota_windows.spend_micros + excluded.spend_micros
                """, logger: logger)
        }
    }
}
#endif
