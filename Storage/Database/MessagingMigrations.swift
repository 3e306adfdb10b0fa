import GRDB

/// Schema of the messaging domain (Sources/Notices): the templates admins keep per event and channel.
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
    }
}
