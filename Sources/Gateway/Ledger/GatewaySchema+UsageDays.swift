extension GatewaySchema {
    /// Version 4: usage per UTC day, kept up to date by every close, so a month's report reads one row per user
    /// (and provider) and day instead of every job of the month. Rows are split by the jobs' email ('' for none)
    /// so the report's email filter stays exact. Filled from the closed reservations already there.
    static let usageDays = SQLiteMigration(
        version: 4, name: "usage per day",
        sql: """
            CREATE TABLE usage_user_days (
                month_start INTEGER NOT NULL,
                day_start INTEGER NOT NULL,
                user_key TEXT NOT NULL,
                user_email TEXT NOT NULL,
                jobs INTEGER NOT NULL,
                images INTEGER NOT NULL,
                paid_ms INTEGER NOT NULL,
                charged_micros INTEGER NOT NULL,
                PRIMARY KEY (month_start, user_key, day_start, user_email)
            ) WITHOUT ROWID;

            CREATE TABLE usage_provider_days (
                month_start INTEGER NOT NULL,
                day_start INTEGER NOT NULL,
                provider TEXT NOT NULL,
                user_email TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                images INTEGER NOT NULL,
                paid_ms INTEGER NOT NULL,
                cost_micros INTEGER NOT NULL,
                PRIMARY KEY (month_start, provider, day_start, user_email)
            ) WITHOUT ROWID;

            \(usageDaysBackfill)
            """)

    /// Fills both tables from the closed reservations and their attempts (the migration; tests compare it with
    /// the rows kept up to date by closes).
    static let usageDaysBackfill = """
        INSERT INTO usage_user_days
            SELECT r.month_start, r.day_start, r.user_key, coalesce(r.user_email, ''), count(*), sum(r.produced_image),
                sum(coalesce((SELECT sum(a.paid_ms) FROM attempts a WHERE a.job_id = r.job_id), 0)),
                sum(r.charged_micros)
            FROM reservations r WHERE r.state != 'held' GROUP BY 1, 2, 3, 4;
        INSERT INTO usage_provider_days
            SELECT r.month_start, r.day_start, a.provider, coalesce(r.user_email, ''), count(*),
                sum(a.outcome = 'succeeded'), sum(a.paid_ms), sum(a.cost_micros)
            FROM attempts a JOIN reservations r ON r.job_id = a.job_id WHERE r.state != 'held' GROUP BY 1, 2, 3, 4;
        """
}
