import GRDB

/// Schema of accounts, sessions, real-name persons, family members, e-health cards, SMS challenges,
/// hospitals, API keys, staff and the audit log. Personal data columns hold sealed bytes
/// (`*_sealed`) next to a keyed blind index (`*_index`) used for equality look-ups.
enum ResidentMigrations {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("residents-v1") { db in
            try db.execute(sql: """
                CREATE TABLE account (
                    id TEXT PRIMARY KEY,
                    channel TEXT NOT NULL CHECK (channel IN ('wechat', 'alipay')),
                    app_id TEXT NOT NULL,
                    channel_user_id TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    last_login_at TEXT NOT NULL,
                    UNIQUE (channel, app_id, channel_user_id)
                ) STRICT;

                CREATE TABLE session (
                    id TEXT PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('resident', 'staff')),
                    subject_id TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL,
                    revoked_at TEXT
                ) STRICT;
                CREATE INDEX session_subject ON session(subject_id);

                -- 实名人员: one row per real person, the master index entry every account links to.
                CREATE TABLE person (
                    id TEXT PRIMARY KEY,
                    id_number_index TEXT NOT NULL UNIQUE,
                    id_number_sealed BLOB NOT NULL,
                    name_sealed BLOB NOT NULL,
                    phone_index TEXT,
                    phone_sealed BLOB,
                    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
                    birth_date TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                ) STRICT;

                -- 就诊人: a person as a member of one account's family list.
                CREATE TABLE family_member (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES account(id),
                    person_id TEXT NOT NULL REFERENCES person(id),
                    relation TEXT NOT NULL CHECK (relation IN ('self', 'spouse', 'child', 'parent', 'other')),
                    is_default INTEGER NOT NULL DEFAULT 0,
                    phone_index TEXT,
                    phone_sealed BLOB,
                    created_at TEXT NOT NULL,
                    UNIQUE (account_id, person_id)
                ) STRICT;
                CREATE UNIQUE INDEX family_one_self ON family_member(account_id) WHERE relation = 'self';
                CREATE UNIQUE INDEX family_one_default ON family_member(account_id) WHERE is_default = 1;
                CREATE INDEX family_person ON family_member(person_id);

                -- 电子健康卡: exactly one per person, whichever account added them.
                CREATE TABLE health_card (
                    card_id TEXT PRIMARY KEY,
                    person_id TEXT NOT NULL UNIQUE REFERENCES person(id),
                    issuer TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('active', 'frozen', 'cancelled')),
                    created_at TEXT NOT NULL
                ) STRICT;

                -- The printable static code; a newer one revokes the older.
                CREATE TABLE static_code (
                    serial TEXT PRIMARY KEY,
                    card_id TEXT NOT NULL REFERENCES health_card(card_id),
                    issued_at TEXT NOT NULL,
                    revoked_at TEXT
                ) STRICT;
                CREATE INDEX static_code_card ON static_code(card_id);

                CREATE TABLE sms_challenge (
                    id TEXT PRIMARY KEY,
                    phone_index TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    -- Who asked (an account, a hospital): only they can use the code, so nobody
                    -- else can displace a resident's pending code by asking for another one.
                    requester TEXT NOT NULL,
                    code_mac BLOB NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL,
                    consumed_at TEXT
                ) STRICT;
                CREATE INDEX sms_challenge_phone ON sms_challenge(phone_index, created_at);

                CREATE TABLE hospital (
                    code TEXT PRIMARY KEY,
                    name TEXT NOT NULL,
                    created_at TEXT NOT NULL
                ) STRICT;

                CREATE TABLE api_key (
                    key_id TEXT PRIMARY KEY,
                    hospital_code TEXT NOT NULL REFERENCES hospital(code),
                    secret_sealed BLOB NOT NULL,
                    created_at TEXT NOT NULL,
                    revoked_at TEXT
                ) STRICT;

                -- 就诊卡: the hospital's own patient number for a person.
                CREATE TABLE patient_card (
                    person_id TEXT NOT NULL REFERENCES person(id),
                    hospital_code TEXT NOT NULL,
                    patient_id TEXT NOT NULL,
                    card_number TEXT NOT NULL,
                    bound_at TEXT NOT NULL,
                    PRIMARY KEY (person_id, hospital_code)
                ) STRICT;

                CREATE TABLE staff_user (
                    id TEXT PRIMARY KEY,
                    username TEXT NOT NULL UNIQUE,
                    password_hash TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('admin', 'cashier', 'operator')),
                    failed_logins INTEGER NOT NULL DEFAULT 0,
                    locked_until TEXT,
                    created_at TEXT NOT NULL
                ) STRICT;

                -- Append-only; each entry's hash covers the previous entry's, so an edit shows.
                CREATE TABLE audit_log (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    actor_kind TEXT NOT NULL,
                    actor_id TEXT NOT NULL,
                    action TEXT NOT NULL,
                    subject_kind TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    detail TEXT NOT NULL DEFAULT '',
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE INDEX audit_subject ON audit_log(subject_kind, subject_id);

                -- 用卡记录: each terminal verification of a card.
                CREATE TABLE card_usage (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    card_id TEXT NOT NULL,
                    hospital_code TEXT NOT NULL,
                    terminal_id TEXT NOT NULL,
                    medical_step TEXT,
                    code_type TEXT NOT NULL,
                    verified_at TEXT NOT NULL
                ) STRICT;
                CREATE INDEX card_usage_card ON card_usage(card_id, verified_at);
                """)
        }
    }
}
