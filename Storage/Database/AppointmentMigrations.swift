import GRDB

/// Schema of the catalog (campus, department, doctor, bookable resource), schedules (clinic
/// sessions split into time segments), bookings, no-show blocks, booking policies, and the two
/// hand-offs to later stages: the notification outbox and refund requests for Payments.
///
/// The oversell guard lives in the schema, not only in code: `slot.taken` may never pass
/// `capacity + extra`, and a person holds at most one live booking per limit key and day.
enum AppointmentMigrations {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("appointments-v1") { db in
            try db.execute(sql: """
                -- 院区
                CREATE TABLE campus (
                    id TEXT PRIMARY KEY,
                    hospital_code TEXT NOT NULL REFERENCES hospital(code),
                    code TEXT NOT NULL,
                    name TEXT NOT NULL,
                    address TEXT NOT NULL DEFAULT '',
                    updated_at TEXT NOT NULL,
                    UNIQUE (hospital_code, code)
                ) STRICT;

                -- 科室, in two levels: a top-level department has no parent.
                CREATE TABLE department (
                    id TEXT PRIMARY KEY,
                    hospital_code TEXT NOT NULL REFERENCES hospital(code),
                    code TEXT NOT NULL,
                    parent_id TEXT REFERENCES department(id),
                    campus_id TEXT REFERENCES campus(id),
                    name TEXT NOT NULL,
                    introduction TEXT NOT NULL DEFAULT '',
                    -- Who may be booked here (paediatrics, gynaecology): ages in whole years.
                    min_age INTEGER,
                    max_age INTEGER,
                    sex TEXT CHECK (sex IN ('male', 'female')),
                    active INTEGER NOT NULL DEFAULT 1,
                    updated_at TEXT NOT NULL,
                    UNIQUE (hospital_code, code)
                ) STRICT;
                CREATE INDEX department_parent ON department(hospital_code, parent_id);

                CREATE TABLE doctor (
                    id TEXT PRIMARY KEY,
                    hospital_code TEXT NOT NULL REFERENCES hospital(code),
                    code TEXT NOT NULL,
                    name TEXT NOT NULL,
                    title TEXT NOT NULL DEFAULT '',
                    specialties TEXT NOT NULL DEFAULT '[]',
                    introduction TEXT NOT NULL DEFAULT '',
                    photo_url TEXT NOT NULL DEFAULT '',
                    active INTEGER NOT NULL DEFAULT 1,
                    updated_at TEXT NOT NULL,
                    UNIQUE (hospital_code, code)
                ) STRICT;

                -- What a booking is for: a doctor's clinic or a department's general clinic
                -- (outpatient), an exam room or device, a lab draw window, a ward's beds, a
                -- check-up package. The kind decides the rules.
                CREATE TABLE resource (
                    id TEXT PRIMARY KEY,
                    hospital_code TEXT NOT NULL REFERENCES hospital(code),
                    code TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('outpatient', 'exam', 'lab', 'bed', 'checkup')),
                    department_id TEXT NOT NULL REFERENCES department(id),
                    doctor_id TEXT REFERENCES doctor(id),
                    name TEXT NOT NULL,
                    notes TEXT NOT NULL DEFAULT '',
                    active INTEGER NOT NULL DEFAULT 1,
                    updated_at TEXT NOT NULL,
                    UNIQUE (hospital_code, code)
                ) STRICT;
                CREATE INDEX resource_department ON resource(department_id);
                CREATE INDEX resource_doctor ON resource(doctor_id);

                -- 出诊单元 / 排班: one resource, one business day, one period.
                CREATE TABLE clinic_session (
                    id TEXT PRIMARY KEY,
                    hospital_code TEXT NOT NULL REFERENCES hospital(code),
                    resource_id TEXT NOT NULL REFERENCES resource(id),
                    department_id TEXT NOT NULL REFERENCES department(id),
                    day TEXT NOT NULL,
                    period TEXT NOT NULL CHECK (period IN ('morning', 'afternoon', 'evening')),
                    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'suspended')),
                    suspend_reason TEXT,
                    -- 替诊: the doctor who takes the session over.
                    substitute_doctor_id TEXT REFERENCES doctor(id),
                    -- Visit numbers (第N号) are handed out in order and never reused.
                    last_number INTEGER NOT NULL DEFAULT 0,
                    updated_at TEXT NOT NULL,
                    UNIQUE (resource_id, day, period)
                ) STRICT;
                CREATE INDEX session_department_day ON clinic_session(department_id, day);
                CREATE INDEX session_day ON clinic_session(hospital_code, day);

                -- 号源时段: a time segment of a session with its own capacity and fee.
                CREATE TABLE slot (
                    id TEXT PRIMARY KEY,
                    session_id TEXT NOT NULL REFERENCES clinic_session(id),
                    starts_at TEXT NOT NULL,
                    ends_at TEXT NOT NULL,
                    registration_type TEXT NOT NULL CHECK (registration_type IN ('general', 'expert', 'special')),
                    fee_fen INTEGER NOT NULL CHECK (fee_fen >= 0),
                    capacity INTEGER NOT NULL CHECK (capacity >= 0),
                    -- Places kept for on-site and elderly patients; online bookings by others stop short of them.
                    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= capacity),
                    -- 加号: places staff added, each addition audited.
                    extra INTEGER NOT NULL DEFAULT 0 CHECK (extra >= 0),
                    -- Places held by live bookings (locked, confirmed, checked in, seen, or missed).
                    taken INTEGER NOT NULL DEFAULT 0 CHECK (taken >= 0 AND taken <= capacity + extra),
                    updated_at TEXT NOT NULL,
                    UNIQUE (session_id, starts_at)
                ) STRICT;

                CREATE TABLE booking (
                    id TEXT PRIMARY KEY,
                    account_id TEXT NOT NULL REFERENCES account(id),
                    member_id TEXT NOT NULL,
                    person_id TEXT NOT NULL REFERENCES person(id),
                    hospital_code TEXT NOT NULL,
                    department_id TEXT NOT NULL,
                    resource_id TEXT NOT NULL,
                    doctor_id TEXT,
                    session_id TEXT NOT NULL REFERENCES clinic_session(id),
                    slot_id TEXT NOT NULL REFERENCES slot(id),
                    kind TEXT NOT NULL,
                    day TEXT NOT NULL,
                    period TEXT NOT NULL,
                    -- One live booking per person, day and key: the department for outpatient
                    -- registration, the resource for everything else.
                    limit_key TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('locked', 'confirmed', 'checked_in', 'called', 'completed',
                                                         'cancelled', 'expired', 'no_show')),
                    visit_number INTEGER NOT NULL,
                    fee_fen INTEGER NOT NULL,
                    registration_type TEXT NOT NULL,
                    uses_reserve INTEGER NOT NULL DEFAULT 0,
                    lock_expires_at TEXT,
                    idempotency_key TEXT,
                    request_digest TEXT,
                    paid_trade_no TEXT,
                    cancel_reason TEXT,
                    late_cancel INTEGER NOT NULL DEFAULT 0,
                    substituted INTEGER NOT NULL DEFAULT 0,
                    queue_key TEXT,
                    created_at TEXT NOT NULL,
                    confirmed_at TEXT,
                    cancelled_at TEXT,
                    checked_in_at TEXT,
                    called_at TEXT,
                    completed_at TEXT,
                    updated_at TEXT NOT NULL,
                    UNIQUE (account_id, idempotency_key)
                ) STRICT;
                CREATE UNIQUE INDEX booking_one_live_per_day ON booking(person_id, limit_key, day)
                    WHERE state IN ('locked', 'confirmed', 'checked_in', 'called');
                CREATE INDEX booking_slot ON booking(slot_id, state);
                CREATE INDEX booking_session ON booking(session_id, state, queue_key);
                CREATE INDEX booking_account ON booking(account_id, created_at);
                CREATE INDEX booking_person ON booking(person_id, state);
                CREATE INDEX booking_lock_expiry ON booking(lock_expires_at) WHERE state = 'locked';
                CREATE INDEX booking_day ON booking(day, state);

                -- Per hospital (department_id = '') and per department overrides, as JSON.
                CREATE TABLE booking_policy (
                    hospital_code TEXT NOT NULL REFERENCES hospital(code),
                    department_id TEXT NOT NULL DEFAULT '',
                    policy TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    PRIMARY KEY (hospital_code, department_id)
                ) STRICT;

                -- 爽约限制: booking blocked at a hospital until ends_at, unless lifted on appeal.
                CREATE TABLE booking_block (
                    id TEXT PRIMARY KEY,
                    person_id TEXT NOT NULL REFERENCES person(id),
                    hospital_code TEXT NOT NULL,
                    offences INTEGER NOT NULL,
                    reason TEXT NOT NULL,
                    starts_at TEXT NOT NULL,
                    ends_at TEXT NOT NULL,
                    lifted_at TEXT,
                    lifted_by TEXT,
                    lift_note TEXT,
                    created_at TEXT NOT NULL
                ) STRICT;
                CREATE INDEX booking_block_person ON booking_block(person_id, hospital_code, ends_at);

                -- Notifications to send, written in the same transaction as the change that causes
                -- them; the messaging dispatcher delivers them. dedupe_key stops twins (one reminder
                -- per booking, one near-turn per booking).
                CREATE TABLE outbox (
                    id TEXT PRIMARY KEY,
                    event TEXT NOT NULL,
                    account_id TEXT,
                    person_id TEXT,
                    subject_kind TEXT NOT NULL,
                    subject_id TEXT NOT NULL,
                    urgent INTEGER NOT NULL DEFAULT 0,
                    payload TEXT NOT NULL,
                    dedupe_key TEXT UNIQUE,
                    not_before TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    dispatched_at TEXT
                ) STRICT;
                CREATE INDEX outbox_pending ON outbox(not_before) WHERE dispatched_at IS NULL;
                CREATE INDEX outbox_subject ON outbox(subject_id);

                -- What Payments must give back: one request per cancelled paid booking.
                CREATE TABLE refund_request (
                    id TEXT PRIMARY KEY,
                    booking_id TEXT NOT NULL UNIQUE REFERENCES booking(id),
                    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
                    trade_no TEXT,
                    reason TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'requested' CHECK (state IN ('requested', 'refunded', 'failed')),
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                ) STRICT;
                """)
        }
        // Every booking wrote a page of `booking_person` at a random place in it; the live-per-day
        // index already leads with the person for live bookings. Only the rare closed states
        // (no-show, cancelled) need their own index, which a new booking does not touch.
        migrator.registerMigration("appointments-v2") { db in
            try db.execute(sql: """
                DROP INDEX booking_person;
                CREATE INDEX booking_person_closed ON booking(person_id, hospital_code, day) WHERE state IN ('no_show', 'cancelled');
                """)
        }
        // `booking_account` cost every booking another page written at a random place (twice: in
        // the WAL and at checkpoint), and the unique (account_id, idempotency_key) index already
        // finds an account's bookings; an account has dozens, which sort in memory.
        migrator.registerMigration("appointments-v3") { db in
            try db.execute(sql: "DROP INDEX booking_account")
        }
    }
}
