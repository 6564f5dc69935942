extension GatewaySchema {
    /// Version 2: generation jobs and their images. Times in Unix milliseconds (UTC), money in micro-dollars.
    static let jobs = SQLiteMigration(
        version: 2, name: "jobs",
        sql: """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY NOT NULL,
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
                created_ms INTEGER NOT NULL,
                started_ms INTEGER,
                finished_ms INTEGER,
                cost_micros INTEGER NOT NULL DEFAULT 0,
                error_code TEXT,
                error_message TEXT,
                image BLOB,
                image_media_type TEXT,
                seed INTEGER NOT NULL
            );
            CREATE INDEX jobs_user ON jobs (user_key, created_ms);
            CREATE INDEX jobs_email ON jobs (user_email, created_ms);
            CREATE INDEX jobs_unfinished ON jobs (status) WHERE status IN ('queued', 'running');
            CREATE INDEX jobs_finished ON jobs (finished_ms) WHERE finished_ms IS NOT NULL;
            """)
}
