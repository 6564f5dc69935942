#if GATEWAY_POSTGRES
/// The gateway's schema on PostgreSQL: the same tables as on SQLite (ledger, jobs) plus what sharing needs: one row
/// per user to lock while checking and reserving, and one row per running gateway process with its heartbeat.
/// Steps are appended, never edited once released.
enum PostgresSchema {
    /// Every schema step, in order.
    static let migrations: [PostgresMigration] = [shared]

    /// The NOTIFY channel on which instances tell each other about jobs.
    static let jobChannel = "gateway_jobs"

    /// Version 1: ledger, jobs, users to lock, instances and their leases. Money in micro-dollars, times in Unix
    /// milliseconds (UTC); heartbeats use the database's clock, so instances' clocks need not agree.
    static let shared = PostgresMigration(
        version: 1, name: "shared ledger and jobs",
        statements: [
            """
            CREATE TABLE ledger_users (user_key TEXT PRIMARY KEY)
            """,
            """
            CREATE TABLE gateway_instances (
                instance_id TEXT NOT NULL,
                started_ms BIGINT NOT NULL,
                heartbeat_at TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (instance_id, started_ms)
            )
            """,
            """
            CREATE TABLE reservations (
                job_id TEXT PRIMARY KEY,
                user_key TEXT NOT NULL,
                user_email TEXT,
                state TEXT NOT NULL CHECK (state IN ('held', 'settled', 'refunded', 'released')),
                estimate_micros BIGINT NOT NULL CHECK (estimate_micros >= 0),
                charged_micros BIGINT NOT NULL DEFAULT 0 CHECK (charged_micros >= 0),
                produced_image BOOLEAN NOT NULL DEFAULT FALSE,
                charges_failed_attempts BOOLEAN NOT NULL,
                idempotency_key TEXT,
                request_hash TEXT,
                owner_instance TEXT NOT NULL,
                owner_started_ms BIGINT NOT NULL,
                reserved_ms BIGINT NOT NULL,
                day_start BIGINT NOT NULL,
                month_start BIGINT NOT NULL,
                closed_ms BIGINT,
                close_reason TEXT
            )
            """,
            """
            CREATE UNIQUE INDEX reservations_idempotency ON reservations (user_key, idempotency_key)
                WHERE idempotency_key IS NOT NULL
            """,
            "CREATE INDEX reservations_held ON reservations (user_key) WHERE state = 'held'",
            "CREATE INDEX reservations_held_owner ON reservations (owner_instance, owner_started_ms) WHERE state = 'held'",
            "CREATE INDEX reservations_month ON reservations (month_start, user_key)",
            """
            CREATE TABLE attempts (
                job_id TEXT NOT NULL REFERENCES reservations (job_id),
                attempt INTEGER NOT NULL,
                provider TEXT NOT NULL,
                outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'timed_out', 'cancelled')),
                started_ms BIGINT NOT NULL,
                duration_ms BIGINT NOT NULL CHECK (duration_ms >= 0),
                paid_ms BIGINT NOT NULL CHECK (paid_ms >= 0),
                cost_micros BIGINT NOT NULL CHECK (cost_micros >= 0),
                detail TEXT,
                PRIMARY KEY (job_id, attempt)
            )
            """,
            "CREATE INDEX attempts_provider_started ON attempts (provider, started_ms)",
            """
            CREATE TABLE quota_windows (
                user_key TEXT NOT NULL,
                period TEXT NOT NULL CHECK (period IN ('day', 'month')),
                period_start BIGINT NOT NULL,
                images BIGINT NOT NULL,
                spend_micros BIGINT NOT NULL,
                PRIMARY KEY (user_key, period, period_start)
            )
            """,
            """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY,
                user_key TEXT NOT NULL,
                user_email TEXT,
                request_json TEXT NOT NULL,
                provider_hint TEXT,
                idempotency_key TEXT,
                status TEXT NOT NULL
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
                progress_step INTEGER NOT NULL DEFAULT 0,
                progress_total INTEGER NOT NULL,
                provider TEXT,
                created_ms BIGINT NOT NULL,
                started_ms BIGINT,
                finished_ms BIGINT,
                cost_micros BIGINT NOT NULL DEFAULT 0,
                error_code TEXT,
                error_message TEXT,
                image BYTEA,
                image_media_type TEXT,
                seed BIGINT NOT NULL
            )
            """,
            "CREATE INDEX jobs_user ON jobs (user_key, created_ms)",
            "CREATE INDEX jobs_email ON jobs (user_email, created_ms)",
            "CREATE INDEX jobs_unfinished ON jobs (status) WHERE status IN ('queued', 'running')",
            "CREATE INDEX jobs_finished ON jobs (finished_ms) WHERE finished_ms IS NOT NULL",
        ])
}
#endif
