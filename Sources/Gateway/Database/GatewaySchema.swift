/// The gateway's database: where it lives and the ordered list of schema steps. Later steps (jobs, ...) are
/// appended here; a step is never edited once released.
public enum GatewaySchema {
    /// The database file inside the data folder.
    public static let fileName = "gateway.sqlite"

    /// The database path for a data folder.
    public static func databasePath(dataDirectory: String) -> String {
        dataDirectory.hasSuffix("/") ? dataDirectory + fileName : dataDirectory + "/" + fileName
    }

    /// Every schema step, in order.
    public static let migrations: [SQLiteMigration] = [ledger, jobs, providerSpend, usageDays]

    /// Version 1: the quota ledger. Money in integer micro-dollars, times in Unix milliseconds (UTC).
    static let ledger = SQLiteMigration(
        version: 1, name: "quota ledger",
        sql: """
            CREATE TABLE reservations (
                job_id TEXT PRIMARY KEY NOT NULL,
                user_key TEXT NOT NULL,
                user_email TEXT,
                state TEXT NOT NULL CHECK (state IN ('held', 'settled', 'refunded', 'released')),
                estimate_micros INTEGER NOT NULL CHECK (estimate_micros >= 0),
                charged_micros INTEGER NOT NULL DEFAULT 0 CHECK (charged_micros >= 0),
                produced_image INTEGER NOT NULL DEFAULT 0,
                charges_failed_attempts INTEGER NOT NULL,
                idempotency_key TEXT,
                request_hash TEXT,
                owner_instance TEXT NOT NULL,
                owner_started_ms INTEGER NOT NULL,
                reserved_ms INTEGER NOT NULL,
                day_start INTEGER NOT NULL,
                month_start INTEGER NOT NULL,
                closed_ms INTEGER,
                close_reason TEXT
            );
            CREATE UNIQUE INDEX reservations_idempotency ON reservations (user_key, idempotency_key)
                WHERE idempotency_key IS NOT NULL;
            CREATE INDEX reservations_held ON reservations (user_key) WHERE state = 'held';
            CREATE INDEX reservations_month ON reservations (month_start, user_key);

            CREATE TABLE attempts (
                job_id TEXT NOT NULL REFERENCES reservations (job_id),
                attempt INTEGER NOT NULL,
                provider TEXT NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'timed_out', 'cancelled')),
                started_ms INTEGER NOT NULL,
                duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
                paid_ms INTEGER NOT NULL CHECK (paid_ms >= 0),
                cost_micros INTEGER NOT NULL CHECK (cost_micros >= 0),
                detail TEXT,
                PRIMARY KEY (job_id, attempt)
            ) WITHOUT ROWID;

            CREATE TABLE quota_windows (
                user_key TEXT NOT NULL,
                period TEXT NOT NULL CHECK (period IN ('day', 'month')),
                period_start INTEGER NOT NULL,
                images INTEGER NOT NULL,
                spend_micros INTEGER NOT NULL,
                PRIMARY KEY (user_key, period, period_start)
            ) WITHOUT ROWID;
            """)
}
