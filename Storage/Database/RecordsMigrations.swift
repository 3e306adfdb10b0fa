import GRDB

/// Schema of the reports hospitals publish (检验 lab, 检查 exam, 心电 ECG): the current state of each
/// report, every version the hospital sent, and the lab item codes that trends look up.
enum RecordsMigrations {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("records-v1") { db in
            try db.execute(sql: """
                -- One row per hospital report number. The patient is named as the hospital knows them
                -- (its patient ID, the ID-card number's blind index, or both); the link to a resident
                -- is worked out when asked, through patient_card or person.id_number_index, so a card
                -- bound later still finds the report. The content itself lives in report_version.
                CREATE TABLE report (
                    id TEXT PRIMARY KEY,
                    hospital_code TEXT NOT NULL,
                    report_no TEXT NOT NULL,
                    kind TEXT NOT NULL CHECK (kind IN ('lab', 'exam', 'ecg')),
                    title TEXT NOT NULL,
                    patient_id TEXT,
                    id_number_index TEXT,
                    id_number_sealed BLOB,
                    patient_name_sealed BLOB,
                    state TEXT NOT NULL CHECK (state IN ('published', 'withdrawn')),
                    -- The version residents and staff see: the newest row in report_version.
                    version INTEGER NOT NULL,
                    -- When the hospital issued the current version (the timeline's order).
                    reported_at TEXT NOT NULL,
                    -- Counts only, so the timeline can flag a report without opening its content.
                    abnormal_count INTEGER NOT NULL DEFAULT 0,
                    critical_count INTEGER NOT NULL DEFAULT 0,
                    study_uid TEXT,
                    ecg_id TEXT,
                    pdf_sha256 TEXT,
                    pdf_size INTEGER,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    CHECK (patient_id IS NOT NULL OR id_number_index IS NOT NULL),
                    UNIQUE (hospital_code, report_no)
                ) STRICT;
                CREATE INDEX report_patient ON report(hospital_code, patient_id) WHERE patient_id IS NOT NULL;
                CREATE INDEX report_id_number ON report(id_number_index) WHERE id_number_index IS NOT NULL;

                -- Every version as the hospital sent it, and withdrawals, never rewritten. The content
                -- (lab items, findings, impression) is health data: sealed like the names beside it.
                -- content_key is a keyed digest of what was sent, so a repeat is recognised without
                -- opening anything and without a plain hash that could be guessed from small content.
                CREATE TABLE report_version (
                    report_id TEXT NOT NULL REFERENCES report(id),
                    version INTEGER NOT NULL,
                    action TEXT NOT NULL CHECK (action IN ('published', 'corrected', 'withdrawn', 'reinstated')),
                    content_sealed BLOB NOT NULL,
                    content_key TEXT NOT NULL,
                    pdf_sha256 TEXT,
                    actor TEXT NOT NULL,
                    reason TEXT,
                    recorded_at TEXT NOT NULL,
                    PRIMARY KEY (report_id, version)
                ) STRICT, WITHOUT ROWID;

                -- The lab item codes of each report's current version: a trend finds the reports that
                -- measured an item without opening every sealed report of the person.
                CREATE TABLE report_item_code (
                    code TEXT NOT NULL,
                    report_id TEXT NOT NULL REFERENCES report(id),
                    PRIMARY KEY (code, report_id)
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX report_item_code_report ON report_item_code(report_id);

                -- Reports (and bills before them) find their holders from the hospital's patient ID;
                -- patient_card's key starts with the person.
                CREATE INDEX patient_card_patient ON patient_card(hospital_code, patient_id);
                """)
        }
    }
}
