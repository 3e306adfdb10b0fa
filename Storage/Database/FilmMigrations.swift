import GRDB

/// Schema of film shares (云胶片分享): a resident hands one study to a doctor by link or QR code,
/// for a while, optionally behind an access code, and sees every opening.
enum FilmMigrations {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("films-v1") { db in
            try db.execute(sql: """
                -- The link's token is looked up by its keyed digest; the token itself is sealed so the
                -- resident can show the link and QR code again, and a copy of the database alone
                -- opens nothing. The access code is kept only as a keyed digest.
                CREATE TABLE film_share (
                    id TEXT PRIMARY KEY,
                    token_digest TEXT NOT NULL UNIQUE,
                    token_sealed BLOB NOT NULL,
                    account_id TEXT NOT NULL,
                    member_id TEXT NOT NULL,
                    person_id TEXT NOT NULL,
                    study_uid TEXT NOT NULL,
                    code_digest TEXT,
                    expires_at TEXT NOT NULL,
                    revoked_at TEXT,
                    -- Wrong codes in a row; at the limit the share refuses codes until locked_until.
                    failed_codes INTEGER NOT NULL DEFAULT 0,
                    locked_until TEXT,
                    created_at TEXT NOT NULL
                ) STRICT;
                CREATE INDEX film_share_member ON film_share(account_id, member_id, created_at);

                -- Every attempt to open a share, granted or not, for the resident's log. The viewer's
                -- address is kept masked (its last part dropped).
                CREATE TABLE film_share_opening (
                    id INTEGER PRIMARY KEY,
                    share_id TEXT NOT NULL REFERENCES film_share(id),
                    at TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('opened', 'code_wrong', 'code_locked', 'expired', 'revoked')),
                    client_address TEXT,
                    user_agent TEXT
                ) STRICT;
                CREATE INDEX film_share_opening_share ON film_share_opening(share_id, at);
                """)
        }
    }
}
