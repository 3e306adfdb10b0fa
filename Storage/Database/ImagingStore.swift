import Foundation
import GRDB
import HuiminCore

/// The DICOM index and the blob references. Each write is one transaction.
public struct ImagingStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// Indexes one received instance: the same bytes again change nothing; other bytes for a known
    /// SOP instance become its next version. The blob reference, the index rows, the audit entry
    /// and the render job commit together.
    public func record(_ instance: IndexedInstance, renderJob: @escaping @Sendable (_ version: Int) throws -> QueuedJob?, actor: AuditActor,
                       now: Date) async throws -> (receipt: InstanceReceipt, version: Int) {
        try await database.commits.write { db in
            let current = try Row.fetchOne(db, sql: """
                SELECT version, blob_sha256, study_uid, series_uid FROM dicom_instance WHERE sop_instance_uid = ?
                """, arguments: [instance.sopInstanceUID])
            if let current, current["blob_sha256"] as String == instance.blobSHA256 {
                return (.duplicate, current["version"])
            }
            if let current, current["study_uid"] as String != instance.study.studyUID
                || current["series_uid"] as String != instance.series.seriesUID {
                throw AppError("dicom_instance_moved", status: 409,
                               "This SOP instance is already stored in another study or series.")
            }
            let version = (current?["version"] as Int? ?? 0) + 1
            try Self.referenceBlob(db, sha: instance.blobSHA256, size: instance.size, ownerKind: "dicom_instance",
                                   ownerID: "\(instance.sopInstanceUID)#\(version)", hospitalCode: instance.hospitalCode, now: now)
            try Self.upsertStudy(db, instance, now: now)
            try Self.upsertSeries(db, instance, now: now)
            let job = try renderJob(version)
            try db.execute(sql: """
                INSERT INTO dicom_instance (sop_instance_uid, series_uid, study_uid, hospital_code, sop_class_uid,
                    instance_number, transfer_syntax_uid, rows, columns, frames, version, blob_sha256, size,
                    metadata_sealed, render_state, render_reason, thumbnail_sha256, preview_sha256, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?)
                ON CONFLICT (sop_instance_uid) DO UPDATE SET
                    sop_class_uid = excluded.sop_class_uid, instance_number = excluded.instance_number,
                    transfer_syntax_uid = excluded.transfer_syntax_uid, rows = excluded.rows, columns = excluded.columns,
                    frames = excluded.frames, version = excluded.version, blob_sha256 = excluded.blob_sha256,
                    size = excluded.size, metadata_sealed = excluded.metadata_sealed, render_state = excluded.render_state,
                    render_reason = NULL, updated_at = excluded.updated_at
                """, arguments: [instance.sopInstanceUID, instance.series.seriesUID, instance.study.studyUID,
                                 instance.hospitalCode, instance.sopClassUID, instance.instanceNumber,
                                 instance.transferSyntaxUID, instance.rows, instance.columns, instance.frames, version,
                                 instance.blobSHA256, instance.size, instance.metadataSealed,
                                 job == nil ? "none" : "pending", now, now])
            try db.execute(sql: """
                INSERT INTO dicom_instance_version (sop_instance_uid, version, blob_sha256, received_at) VALUES (?, ?, ?, ?)
                """, arguments: [instance.sopInstanceUID, version, instance.blobSHA256, now])
            if current == nil {
                try db.execute(sql: "UPDATE dicom_series SET instance_count = instance_count + 1 WHERE series_uid = ?",
                               arguments: [instance.series.seriesUID])
                try db.execute(sql: "UPDATE dicom_study SET instance_count = instance_count + 1 WHERE study_uid = ?",
                               arguments: [instance.study.studyUID])
            }
            if let job {
                _ = try JobStore.enqueue(db, kind: job.kind, payload: job.sealedPayload, runAt: now,
                                         maxAttempts: job.maxAttempts, idempotencyKey: job.idempotencyKey, now: now)
            }
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id,
                                        action: current == nil ? "dicom.stored" : "dicom.new_version",
                                        subjectKind: "dicom_instance", subjectID: instance.sopInstanceUID,
                                        detail: "v\(version) \(instance.blobSHA256)", now: now)
            return (current == nil ? .stored : .newVersion, version)
        }
    }

    private static func upsertStudy(_ db: GRDB.Database, _ instance: IndexedInstance, now: Date) throws {
        let study = instance.study
        try db.execute(sql: """
            INSERT INTO dicom_study (study_uid, hospital_code, patient_id, patient_name_sealed, patient_birth_date,
                patient_sex, id_number_index, study_date, study_time, accession_number, study_id, study_description,
                referring_physician_sealed, institution_name, modalities, series_count, instance_count, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, 0, ?, ?)
            ON CONFLICT (study_uid) DO UPDATE SET updated_at = excluded.updated_at
            """, arguments: [study.studyUID, instance.hospitalCode, study.patientID, study.patientNameSealed,
                             study.patientBirthDate, study.patientSex, study.idNumberIndex, study.studyDate, study.studyTime,
                             study.accessionNumber, study.studyID, study.studyDescription, study.referringPhysicianSealed,
                             study.institutionName, now, now])
        if db.changesCount == 1 {
            for key in Set(study.patientNameKeys) {
                try db.execute(sql: "INSERT OR IGNORE INTO dicom_study_name_key (key, study_uid) VALUES (?, ?)",
                               arguments: [key, study.studyUID])
            }
        }
        if let modality = instance.series.modality, !modality.isEmpty {
            let existing = try String.fetchOne(db, sql: "SELECT modalities FROM dicom_study WHERE study_uid = ?",
                                               arguments: [study.studyUID]) ?? ""
            var modalities = existing.split(separator: "\\").map(String.init)
            if !modalities.contains(modality) {
                modalities.append(modality)
                try db.execute(sql: "UPDATE dicom_study SET modalities = ? WHERE study_uid = ?",
                               arguments: [modalities.sorted().joined(separator: "\\"), study.studyUID])
            }
        }
    }

    private static func upsertSeries(_ db: GRDB.Database, _ instance: IndexedInstance, now: Date) throws {
        let series = instance.series
        try db.execute(sql: """
            INSERT INTO dicom_series (series_uid, study_uid, modality, series_number, series_description, body_part,
                series_date, instance_count, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)
            ON CONFLICT (series_uid) DO NOTHING
            """, arguments: [series.seriesUID, instance.study.studyUID, series.modality, series.seriesNumber,
                             series.seriesDescription, series.bodyPart, series.seriesDate, now])
        if db.changesCount == 1 {
            try db.execute(sql: "UPDATE dicom_study SET series_count = series_count + 1 WHERE study_uid = ?",
                           arguments: [instance.study.studyUID])
        }
    }

    /// Records a reference to a blob (creating its row on first use).
    static func referenceBlob(_ db: GRDB.Database, sha: String, size: Int64, ownerKind: String, ownerID: String,
                              hospitalCode: String, now: Date) throws {
        try db.execute(sql: "INSERT INTO blob (sha256, size, created_at) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                       arguments: [sha, size, now])
        try db.execute(sql: """
            INSERT INTO blob_ref (sha256, owner_kind, owner_id, hospital_code, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT DO NOTHING
            """, arguments: [sha, ownerKind, ownerID, hospitalCode, now])
    }

    public struct Rendition: Sendable {
        public var sha256: String
        public var size: Int64

        public init(sha256: String, size: Int64) {
            self.sha256 = sha256
            self.size = size
        }
    }

    /// Stores a render job's outcome for the version it rendered. A newer version arriving
    /// meanwhile wins: its own job renders it, and this outcome is dropped.
    public func finishRender(sopInstanceUID: String, version: Int, thumbnail: Rendition, preview: Rendition?,
                             reason: String?, now: Date) async throws {
        try await database.commits.write { db in
            guard let hospital = try String.fetchOne(db, sql: """
                SELECT hospital_code FROM dicom_instance WHERE sop_instance_uid = ? AND version = ?
                """, arguments: [sopInstanceUID, version]) else { return }
            try db.execute(sql: "DELETE FROM blob_ref WHERE owner_kind = 'dicom_rendition' AND owner_id = ?",
                           arguments: [sopInstanceUID])
            for rendition in [thumbnail, preview].compactMap({ $0 }) {
                try Self.referenceBlob(db, sha: rendition.sha256, size: rendition.size, ownerKind: "dicom_rendition",
                                       ownerID: sopInstanceUID, hospitalCode: hospital, now: now)
            }
            try db.execute(sql: """
                UPDATE dicom_instance SET render_state = ?, render_reason = ?, thumbnail_sha256 = ?, preview_sha256 = ?,
                    updated_at = ?
                WHERE sop_instance_uid = ? AND version = ?
                """, arguments: [reason == nil ? "rendered" : "placeholder", reason, thumbnail.sha256, preview?.sha256,
                                 now, sopInstanceUID, version])
        }
    }
}

extension ImagingStore {
    /// Staff reading a study is audited against the study (who, when, what they asked).
    public func audit(actor: AuditActor, action: String, studyUID: String, detail: String, now: Date) async throws {
        try await database.pool.write { db in
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: action,
                                        subjectKind: "dicom_study", subjectID: studyUID, detail: detail, now: now)
        }
    }

    public func hospitalExists(code: String) async throws -> Bool {
        try await database.pool.read { db in try CatalogStore.hospitalExists(db, code: code) }
    }
}
