import GRDB

/// Schema of the messaging domain (Sources/Notices): the templates admins keep per event and channel,
/// and (v2) messages with their attempts, consents, preferences, the inbox and broadcasts.
enum MessagingMigrations {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("messaging-v1") { db in
            try db.execute(sql: """
                -- Every saved version of a template; the highest version of (event, channel) is the one
                -- in use. Rows are never updated: a change is a new version, audited with its author.
                CREATE TABLE message_template (
                    event TEXT NOT NULL,
                    channel TEXT NOT NULL CHECK (channel IN ('wechat_template', 'wechat_subscribe', 'alipay', 'sms', 'inbox')),
                    version INTEGER NOT NULL CHECK (version > 0),
                    template_id TEXT,
                    sign_name TEXT,
                    -- keyword -> text with {{variable}} placeholders (JSON object of strings).
                    keywords TEXT NOT NULL,
                    page TEXT,
                    url TEXT,
                    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
                    created_at TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    PRIMARY KEY (event, channel, version)
                ) STRICT;
                """)
        }

        migrator.registerMigration("messaging-v2") { db in
            try db.execute(sql: """
                -- One row per outbox row taken in by the dispatcher (same id): the message as staff
                -- search it and as the dispatcher works it. The outbox stays a lean queue written on
                -- the booking path; the indexes for search and the delivery state live here.
                CREATE TABLE message (
                    id TEXT PRIMARY KEY,
                    event TEXT NOT NULL,
                    account_id TEXT,
                    person_id TEXT,
                    subject_kind TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    urgent INTEGER NOT NULL CHECK (urgent IN (0, 1)),
                    payload TEXT NOT NULL,
                    -- pending: waiting for its due time; sending: leased by a dispatcher until due_at;
                    -- sent: a vendor took it; delivered: a receipt confirmed it; inbox_only: no push
                    -- channel could reach the resident (the inbox has it); failed: every channel
                    -- refused or the receipt said undelivered; dead: a person must look at it.
                    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'inbox_only', 'failed', 'dead')),
                    -- The push channels in the order tried (JSON array), fixed when first taken.
                    plan TEXT NOT NULL,
                    step INTEGER NOT NULL DEFAULT 0,
                    channel TEXT,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    fell_back INTEGER NOT NULL DEFAULT 0,
                    due_at TEXT NOT NULL,
                    -- Why it waits: quiet_hours, rate_limited, retry.
                    held_reason TEXT,
                    vendor_message_id TEXT,
                    last_error TEXT,
                    created_at TEXT NOT NULL,
                    queued_at TEXT NOT NULL,
                    sent_at TEXT,
                    delivered_at TEXT,
                    finished_at TEXT
                ) STRICT;
                CREATE INDEX message_due ON message(due_at) WHERE status IN ('pending', 'sending');
                CREATE INDEX message_account ON message(account_id, created_at);
                CREATE INDEX message_created ON message(created_at);
                CREATE INDEX message_subject ON message(subject_id);

                -- Every try of one channel for one message. A row is written as 'sending' before the
                -- vendor is called, so a crash leaves a trace the restarted dispatcher resolves.
                CREATE TABLE message_attempt (
                    id TEXT PRIMARY KEY,
                    message_id TEXT NOT NULL REFERENCES message(id),
                    channel TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('sending', 'accepted', 'failed', 'delivered', 'undelivered', 'unknown')),
                    -- What the dispatcher did about a failure: fall_back, retry, dead_letter.
                    outcome TEXT,
                    vendor_message_id TEXT,
                    error_code TEXT,
                    error_message TEXT,
                    started_at TEXT NOT NULL,
                    finished_at TEXT,
                    receipt_at TEXT
                ) STRICT;
                CREATE INDEX message_attempt_message ON message_attempt(message_id);
                CREATE INDEX message_attempt_vendor ON message_attempt(vendor_message_id) WHERE vendor_message_id IS NOT NULL;

                -- One-time consents to a mini-program message template (wx.requestSubscribeMessage
                -- accepted, or an Alipay form ID); each message spends one, as the vendor counts.
                CREATE TABLE message_consent (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES account(id),
                    channel TEXT NOT NULL CHECK (channel IN ('wechat_subscribe', 'alipay')),
                    template_id TEXT NOT NULL,
                    form_id TEXT,
                    granted_at TEXT NOT NULL,
                    used_at TEXT,
                    used_by TEXT
                ) STRICT;
                CREATE INDEX message_consent_open ON message_consent(account_id, channel, template_id) WHERE used_at IS NULL;

                -- The push channels a resident wants, in order (JSON array); absent means the default.
                CREATE TABLE message_preference (
                    account_id TEXT PRIMARY KEY REFERENCES account(id),
                    channels TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                ) STRICT;

                -- The in-app inbox: one copy of each message with an inbox template, written when the
                -- dispatcher takes the message in. Names in it are masked by the templates.
                CREATE TABLE inbox_item (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL,
                    person_id TEXT,
                    event TEXT NOT NULL,
                    title TEXT NOT NULL,
                    body TEXT NOT NULL,
                    page TEXT,
                    urgent INTEGER NOT NULL CHECK (urgent IN (0, 1)),
                    created_at TEXT NOT NULL,
                    read_at TEXT
                ) STRICT;
                CREATE INDEX inbox_account ON inbox_item(account_id, created_at);
                CREATE INDEX inbox_unread ON inbox_item(account_id) WHERE read_at IS NULL;

                -- 群发: a message to a group of residents, expanded into outbox rows in batches; the
                -- cursor lets an interrupted expansion go on where it stopped.
                CREATE TABLE broadcast (
                    id TEXT PRIMARY KEY,
                    event TEXT NOT NULL,
                    audience TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    urgent INTEGER NOT NULL CHECK (urgent IN (0, 1)),
                    idempotency_key TEXT UNIQUE,
                    status TEXT NOT NULL CHECK (status IN ('expanding', 'queued')),
                    recipients INTEGER NOT NULL DEFAULT 0,
                    cursor TEXT,
                    created_by TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expanded_at TEXT
                ) STRICT;
                """)
        }
    }
}
