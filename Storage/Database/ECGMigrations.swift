import GRDB

/// Schema of the ECG store: the carts allowed to upload, the recordings with their analysis and
/// renderings, the ECG centre's reading queue and reports, and who is told of critical values.
enum ECGMigrations {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("ecg-v1") { db in
            try db.execute(sql: """
                -- A registered cart (心电图机). It signs uploads with its own API key; a disabled cart's
                -- uploads are refused.
                CREATE TABLE ecg_device (
                    device_code TEXT PRIMARY KEY,
                    api_key_id TEXT NOT NULL UNIQUE REFERENCES api_key(key_id),
                    hospital_code TEXT NOT NULL REFERENCES hospital(code),
                    model TEXT NOT NULL DEFAULT '',
                    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                ) STRICT;

                CREATE TABLE ecg_recording (
                    id TEXT PRIMARY KEY,
                    hospital_code TEXT NOT NULL,
                    device_code TEXT NOT NULL REFERENCES ecg_device(device_code),
                    format TEXT NOT NULL CHECK (format IN ('dicom', 'aecg', 'json')),
                    original_sha256 TEXT NOT NULL,
                    attachment_sha256 TEXT,
                    attachment_type TEXT,
                    patient_id TEXT NOT NULL DEFAULT '',
                    patient_name_sealed BLOB,
                    id_number_index TEXT,
                    acquired_at TEXT,
                    sampling_rate REAL NOT NULL,
                    duration REAL NOT NULL,
                    leads TEXT NOT NULL,
                    -- The cart's measurements and statements (JSON), and Huimin's own R-peak analysis.
                    measurements TEXT NOT NULL,
                    interpretation TEXT NOT NULL,
                    heart_rate REAL,
                    longest_rr REAL,
                    -- 危急值 findings (JSON array of {code, text}); critical recordings jump the queue.
                    findings TEXT NOT NULL DEFAULT '[]',
                    critical INTEGER NOT NULL CHECK (critical IN (0, 1)),
                    render_state TEXT NOT NULL CHECK (render_state IN ('pending', 'rendered', 'failed')),
                    render_reason TEXT,
                    thumbnail_sha256 TEXT,
                    screen_sha256 TEXT,
                    print_sha256 TEXT,
                    -- The ECG centre's reading: waiting, then reported with a diagnosis signed by a doctor.
                    reading_state TEXT NOT NULL CHECK (reading_state IN ('waiting', 'reported')),
                    diagnosis TEXT,
                    doctor_code TEXT,
                    doctor_name TEXT,
                    reported_at TEXT,
                    reporting_hospital TEXT,
                    received_at TEXT NOT NULL,
                    UNIQUE (device_code, original_sha256)
                ) STRICT;
                CREATE INDEX ecg_recording_queue ON ecg_recording(reading_state, critical DESC, received_at);
                CREATE INDEX ecg_recording_patient ON ecg_recording(hospital_code, patient_id);
                CREATE INDEX ecg_recording_id_number ON ecg_recording(id_number_index) WHERE id_number_index IS NOT NULL;

                -- Who is told of a critical value: the recording clinic's duty phones, and the regional
                -- ECG centre's (role ecg_centre: told of every hospital's).
                CREATE TABLE alert_contact (
                    id TEXT PRIMARY KEY,
                    hospital_code TEXT NOT NULL REFERENCES hospital(code),
                    role TEXT NOT NULL CHECK (role IN ('clinic', 'ecg_centre')),
                    label TEXT NOT NULL,
                    phone_sealed BLOB NOT NULL,
                    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
                    created_at TEXT NOT NULL
                ) STRICT;
                """)
        }
    }
}
