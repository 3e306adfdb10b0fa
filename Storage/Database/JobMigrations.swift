import GRDB

/// Schema of the durable job queue. `payload` holds bytes sealed by the crypto profile, because
/// jobs carry phone numbers and verification codes; `last_error` holds only safe reason codes.
enum JobMigrations {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("jobs-v1") { db in
            try db.execute(sql: """
                CREATE TABLE job (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
                    run_at TEXT NOT NULL,
                    lease_owner TEXT,
                    leased_until TEXT,
                    last_error TEXT,
                    idempotency_key TEXT UNIQUE,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    finished_at TEXT
                ) STRICT;
                -- The lease query looks for due queued jobs and for running jobs whose lease ran out.
                CREATE INDEX job_due ON job(run_at) WHERE state = 'queued';
                CREATE INDEX job_lease_expiry ON job(leased_until) WHERE state = 'running';
                CREATE INDEX job_state ON job(state);
                """)
        }
    }
}
