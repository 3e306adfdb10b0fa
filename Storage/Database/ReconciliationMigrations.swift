import GRDB

/// Schema of reconciliation (对账): one row per business day and merchant with the files it was
/// run on and the last run's summary, and the differences found, which keep a cashier's
/// resolution across re-runs (their IDs are derived from the day, kind and trade number).
enum ReconciliationMigrations {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("reconciliation-v1") { db in
            try db.execute(sql: """
                CREATE TABLE recon_day (
                    id TEXT PRIMARY KEY,
                    day TEXT NOT NULL,
                    merchant_id TEXT NOT NULL REFERENCES merchant(id),
                    -- 日结: a closed day is locked against uploads, runs and resolutions.
                    state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
                    channel_file TEXT,
                    channel_file_sha256 TEXT,
                    his_file TEXT,
                    his_file_sha256 TEXT,
                    summary TEXT,
                    runs INTEGER NOT NULL DEFAULT 0,
                    last_run_at TEXT,
                    closed_by TEXT,
                    closed_at TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    UNIQUE (day, merchant_id)
                ) STRICT;

                CREATE TABLE recon_difference (
                    recon_day_id TEXT NOT NULL REFERENCES recon_day(id),
                    id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    movement TEXT NOT NULL,
                    trade_no TEXT NOT NULL,
                    refund_no TEXT,
                    amount_fen INTEGER NOT NULL,
                    huimin_fen INTEGER,
                    channel_fen INTEGER,
                    his_fen INTEGER,
                    detail TEXT NOT NULL,
                    proposed_action TEXT NOT NULL,
                    -- gone: a re-run no longer finds it (e.g. the HIS file was corrected).
                    state TEXT NOT NULL CHECK (state IN ('open', 'resolved', 'gone')),
                    resolution TEXT,
                    note TEXT,
                    resolved_by TEXT,
                    resolved_at TEXT,
                    first_seen_at TEXT NOT NULL,
                    last_seen_at TEXT NOT NULL,
                    PRIMARY KEY (recon_day_id, id)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX recon_difference_trade ON recon_difference(trade_no);
                """)
        }
        migrator.registerMigration("reconciliation-v2-insurance") { db in
            try db.execute(sql: """
                -- Insurance days (医保对明细账): the centre's settlement ID a difference is about, and
                -- for an amount mismatch the part (fund, account, cash) that disagrees.
                ALTER TABLE recon_difference ADD COLUMN settlement_id TEXT;
                ALTER TABLE recon_difference ADD COLUMN part TEXT CHECK (part IN ('fund', 'account', 'cash'));
                """)
        }
    }
}
