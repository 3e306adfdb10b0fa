import GRDB

/// Schema of the imaging archive: the object store's blobs and who references them, and the
/// DICOM index (study, series, instance) that QIDO searches and WADO reads.
enum ImagingMigrations {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("imaging-v1") { db in
            try db.execute(sql: """
                -- Every blob a reference was ever committed for. The sweep removes blobs (files and
                -- rows) that no blob_ref names and whose file has not been written for a grace period.
                CREATE TABLE blob (
                    sha256 TEXT PRIMARY KEY,
                    size INTEGER NOT NULL CHECK (size >= 0),
                    created_at TEXT NOT NULL
                ) STRICT;

                -- Who holds a blob: an instance version's file, its thumbnail or preview, a report PDF.
                -- The hospital is the one whose storage the blob counts against.
                CREATE TABLE blob_ref (
                    sha256 TEXT NOT NULL REFERENCES blob(sha256),
                    owner_kind TEXT NOT NULL,
                    owner_id TEXT NOT NULL,
                    hospital_code TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    PRIMARY KEY (owner_kind, owner_id, sha256)
                ) STRICT;
                CREATE INDEX blob_ref_blob ON blob_ref(sha256);
                CREATE INDEX blob_ref_hospital ON blob_ref(hospital_code);

                -- Patient names are personal data: sealed, with blind-index keys for search
                -- (dicom_study_name_key). A study belongs to the hospital that sent it first.
                CREATE TABLE dicom_study (
                    study_uid TEXT PRIMARY KEY,
                    hospital_code TEXT NOT NULL,
                    patient_id TEXT NOT NULL,
                    patient_name_sealed BLOB,
                    patient_birth_date TEXT,
                    patient_sex TEXT,
                    -- Blind index of the patient's ID card number when the PACS sends one (as the
                    -- patient ID or among the other patient IDs): the real-name link to a resident.
                    id_number_index TEXT,
                    study_date TEXT,
                    study_time TEXT,
                    accession_number TEXT,
                    study_id TEXT,
                    study_description TEXT,
                    referring_physician_sealed BLOB,
                    institution_name TEXT,
                    modalities TEXT NOT NULL DEFAULT '',
                    series_count INTEGER NOT NULL DEFAULT 0,
                    instance_count INTEGER NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                ) STRICT;
                CREATE INDEX dicom_study_patient ON dicom_study(hospital_code, patient_id);
                CREATE INDEX dicom_study_date ON dicom_study(study_date);
                CREATE INDEX dicom_study_accession ON dicom_study(accession_number);
                CREATE INDEX dicom_study_id_number ON dicom_study(id_number_index) WHERE id_number_index IS NOT NULL;

                -- Blind-index keys of the patient's name: the whole normalised name, and every prefix
                -- (up to 8 characters) of each name component, so `Wang*` and fuzzy matching work
                -- without the name in clear.
                CREATE TABLE dicom_study_name_key (
                    key TEXT NOT NULL,
                    study_uid TEXT NOT NULL REFERENCES dicom_study(study_uid),
                    PRIMARY KEY (key, study_uid)
                ) STRICT, WITHOUT ROWID;

                CREATE TABLE dicom_series (
                    series_uid TEXT PRIMARY KEY,
                    study_uid TEXT NOT NULL REFERENCES dicom_study(study_uid),
                    modality TEXT,
                    series_number INTEGER,
                    series_description TEXT,
                    body_part TEXT,
                    series_date TEXT,
                    instance_count INTEGER NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL
                ) STRICT;
                CREATE INDEX dicom_series_study ON dicom_series(study_uid, series_number);

                -- The newest version of each SOP instance; earlier versions stay in
                -- dicom_instance_version with their blobs.
                CREATE TABLE dicom_instance (
                    sop_instance_uid TEXT PRIMARY KEY,
                    series_uid TEXT NOT NULL REFERENCES dicom_series(series_uid),
                    study_uid TEXT NOT NULL,
                    hospital_code TEXT NOT NULL,
                    sop_class_uid TEXT NOT NULL,
                    instance_number INTEGER,
                    transfer_syntax_uid TEXT NOT NULL,
                    rows INTEGER,
                    columns INTEGER,
                    frames INTEGER,
                    version INTEGER NOT NULL,
                    blob_sha256 TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    -- DICOM JSON of everything but the bulk data, sealed (it names the patient).
                    metadata_sealed BLOB NOT NULL,
                    -- pending: a render job is queued; rendered; placeholder: the pixels could not be
                    -- decoded (render_reason says why); none: nothing to render (SR, waveforms).
                    render_state TEXT NOT NULL CHECK (render_state IN ('pending', 'rendered', 'placeholder', 'none')),
                    render_reason TEXT,
                    thumbnail_sha256 TEXT,
                    preview_sha256 TEXT,
                    created_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                ) STRICT;
                CREATE INDEX dicom_instance_series ON dicom_instance(series_uid, instance_number);
                CREATE INDEX dicom_instance_study ON dicom_instance(study_uid);
                CREATE INDEX dicom_instance_render ON dicom_instance(render_state) WHERE render_state = 'pending';

                CREATE TABLE dicom_instance_version (
                    sop_instance_uid TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    blob_sha256 TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    PRIMARY KEY (sop_instance_uid, version)
                ) STRICT;
                """)
        }
    }
}
