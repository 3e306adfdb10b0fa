import Foundation
import GRDB
import HuiminCore

/// ECG carts, recordings, the reading queue and critical-value contacts. Each write is one transaction.
public struct ECGStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    // MARK: Carts

    /// Registers a cart with the API key it will sign with (issued in the same call).
    public func registerDevice(deviceCode: String, hospitalCode: String, model: String, keyID: String, secretSealed: Data,
                               actor: AuditActor, now: Date) async throws {
        try await database.pool.write { db in
            guard try CatalogStore.hospitalExists(db, code: hospitalCode) else {
                throw AppError.notFound("hospital_not_found", "No hospital has that code.")
            }
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ecg_device WHERE device_code = ?", arguments: [deviceCode]) == 0 else {
                throw AppError.conflict("ecg_device_exists", "A cart with that device ID is already registered.")
            }
            try db.execute(sql: "INSERT INTO api_key (key_id, hospital_code, secret_sealed, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [keyID, hospitalCode, secretSealed, now])
            try db.execute(sql: """
                INSERT INTO ecg_device (device_code, api_key_id, hospital_code, model, enabled, created_at, updated_at)
                VALUES (?, ?, ?, ?, 1, ?, ?)
                """, arguments: [deviceCode, keyID, hospitalCode, model, now, now])
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "ecg_device.registered",
                                        subjectKind: "ecg_device", subjectID: deviceCode, detail: hospitalCode, now: now)
        }
    }

    public func setDeviceEnabled(_ deviceCode: String, enabled: Bool, actor: AuditActor, now: Date) async throws -> ECGDeviceRow {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE ecg_device SET enabled = ?, updated_at = ? WHERE device_code = ?",
                           arguments: [enabled, now, deviceCode])
            guard db.changesCount == 1,
                  let row = try ECGDeviceRow.fetchOne(db, sql: "SELECT * FROM ecg_device WHERE device_code = ?", arguments: [deviceCode])
            else { throw AppError.notFound("ecg_device_not_found", "No cart has that device ID.") }
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id,
                                        action: enabled ? "ecg_device.enabled" : "ecg_device.disabled",
                                        subjectKind: "ecg_device", subjectID: deviceCode, detail: "", now: now)
            return row
        }
    }

    public func device(apiKeyID: String) async throws -> ECGDeviceRow? {
        try await database.pool.read { db in
            try ECGDeviceRow.fetchOne(db, sql: "SELECT * FROM ecg_device WHERE api_key_id = ?", arguments: [apiKeyID])
        }
    }

    public func devices() async throws -> [ECGDeviceRow] {
        try await database.pool.read { db in
            try ECGDeviceRow.fetchAll(db, sql: "SELECT * FROM ecg_device ORDER BY hospital_code, device_code")
        }
    }

    // MARK: Recordings

    /// Keeps a recording, its blob reference and its render job; a critical one also queues an
    /// urgent alert to every enabled contact of the clinic and of the ECG centre. The same file
    /// from the same cart again returns the first recording (a cart retrying after a timeout).
    public func record(_ recording: NewECGRecording, renderJob: QueuedJob, alertPayload: [String: String], personID: String?,
                       now: Date) async throws -> (id: String, duplicate: Bool) {
        try await database.commits.write { db in
            if let existing = try String.fetchOne(db, sql: """
                SELECT id FROM ecg_recording WHERE device_code = ? AND original_sha256 = ?
                """, arguments: [recording.deviceCode, recording.originalSHA256]) {
                return (existing, true)
            }
            try ImagingStore.referenceBlob(db, sha: recording.originalSHA256, size: recording.originalSize, ownerKind: "ecg_original",
                                           ownerID: recording.id, hospitalCode: recording.hospitalCode, now: now)
            try db.execute(sql: """
                INSERT INTO ecg_recording (id, hospital_code, device_code, format, original_sha256, patient_id, patient_name_sealed,
                    id_number_index, acquired_at, sampling_rate, duration, leads, measurements, interpretation, heart_rate,
                    longest_rr, findings, critical, render_state, reading_state, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 'waiting', ?)
                """, arguments: [recording.id, recording.hospitalCode, recording.deviceCode, recording.format,
                                 recording.originalSHA256, recording.patientID, recording.patientNameSealed,
                                 recording.idNumberIndex, recording.acquiredAt, recording.samplingRate, recording.duration,
                                 recording.leads.joined(separator: ","), recording.measurementsJSON,
                                 recording.interpretationJSON, recording.heartRate, recording.longestRR, recording.findingsJSON,
                                 recording.critical, now])
            _ = try JobStore.enqueue(db, kind: renderJob.kind, payload: renderJob.sealedPayload, runAt: now,
                                     maxAttempts: renderJob.maxAttempts, idempotencyKey: renderJob.idempotencyKey, now: now)
            if recording.critical {
                let contacts = try String.fetchAll(db, sql: """
                    SELECT id FROM alert_contact
                    WHERE enabled = 1 AND ((role = 'clinic' AND hospital_code = ?) OR role = 'ecg_centre') ORDER BY id
                    """, arguments: [recording.hospitalCode])
                for contact in contacts {
                    try OutboxStore.append(db, OutboxMessage(
                        event: "staff.urgent_alert", accountID: nil, personID: personID, subjectKind: "alert_contact",
                        subjectID: contact, urgent: true, payload: alertPayload,
                        dedupeKey: "ecg-alert:\(recording.id):\(contact)"), now: now)
                }
            }
            try AccessStore.appendAudit(db, actorKind: "device", actorID: recording.deviceCode, action: "ecg.received",
                                        subjectKind: "ecg_recording", subjectID: recording.id,
                                        detail: recording.critical ? "critical" : "", now: now)
            return (recording.id, false)
        }
    }

    /// The cart's own report (PDF or JPG) riding along with a recording.
    public func attach(recordingID: String, deviceCode: String, sha256: String, size: Int64, type: String, now: Date) async throws {
        try await database.pool.write { db in
            guard let hospital = try String.fetchOne(db, sql: """
                SELECT hospital_code FROM ecg_recording WHERE id = ? AND device_code = ?
                """, arguments: [recordingID, deviceCode]) else {
                throw AppError.notFound("ecg_not_found", "No recording from this cart has that ID.")
            }
            try db.execute(sql: "DELETE FROM blob_ref WHERE owner_kind = 'ecg_attachment' AND owner_id = ?", arguments: [recordingID])
            try ImagingStore.referenceBlob(db, sha: sha256, size: size, ownerKind: "ecg_attachment", ownerID: recordingID,
                                           hospitalCode: hospital, now: now)
            try db.execute(sql: "UPDATE ecg_recording SET attachment_sha256 = ?, attachment_type = ? WHERE id = ?",
                           arguments: [sha256, type, recordingID])
        }
    }

    /// The sheets drawn on arrival; the print sheet waits until someone prints (see `setPrintSheet`).
    public struct Sheets: Sendable {
        public var thumbnail: ImagingStore.Rendition
        public var screen: ImagingStore.Rendition

        public init(thumbnail: ImagingStore.Rendition, screen: ImagingStore.Rendition) {
            self.thumbnail = thumbnail
            self.screen = screen
        }
    }

    public func finishRender(id: String, sheets: Sheets?, reason: String?, now: Date) async throws {
        try await database.commits.write { db in
            guard let hospital = try String.fetchOne(db, sql: "SELECT hospital_code FROM ecg_recording WHERE id = ?", arguments: [id])
            else { return }
            try db.execute(sql: "DELETE FROM blob_ref WHERE owner_kind = 'ecg_sheet' AND owner_id = ?", arguments: [id])
            for sheet in [sheets?.thumbnail, sheets?.screen].compactMap({ $0 }) {
                try ImagingStore.referenceBlob(db, sha: sheet.sha256, size: sheet.size, ownerKind: "ecg_sheet", ownerID: id,
                                               hospitalCode: hospital, now: now)
            }
            try db.execute(sql: """
                UPDATE ecg_recording SET render_state = ?, render_reason = ?, thumbnail_sha256 = ?, screen_sha256 = ? WHERE id = ?
                """, arguments: [sheets == nil ? "failed" : "rendered", reason, sheets?.thumbnail.sha256, sheets?.screen.sha256, id])
        }
    }

    /// Keeps the print sheet drawn on first request, so the next print reads it.
    public func setPrintSheet(id: String, sheet: ImagingStore.Rendition, now: Date) async throws {
        try await database.pool.write { db in
            guard let hospital = try String.fetchOne(db, sql: "SELECT hospital_code FROM ecg_recording WHERE id = ?", arguments: [id])
            else { return }
            try ImagingStore.referenceBlob(db, sha: sheet.sha256, size: sheet.size, ownerKind: "ecg_sheet", ownerID: id,
                                           hospitalCode: hospital, now: now)
            try db.execute(sql: "UPDATE ecg_recording SET print_sha256 = ? WHERE id = ?", arguments: [sheet.sha256, id])
        }
    }

    public func recording(_ id: String) async throws -> ECGRecordingRow? {
        try await database.pool.read { db in
            try ECGRecordingRow.fetchOne(db, sql: "SELECT * FROM ecg_recording WHERE id = ?", arguments: [id])
        }
    }

    /// The ECG centre's reading queue: critical recordings first, then the longest waiting.
    public func queue(limit: Int) async throws -> [ECGRecordingRow] {
        try await database.pool.read { db in
            try ECGRecordingRow.fetchAll(db, sql: """
                SELECT * FROM ecg_recording WHERE reading_state = 'waiting' ORDER BY critical DESC, received_at, id LIMIT ?
                """, arguments: [limit])
        }
    }

    /// The centre's report, signed by a doctor registered in the reporting hospital's catalog.
    public func report(id: String, diagnosis: String, doctorCode: String, hospitalCode: String, now: Date) async throws -> ECGRecordingRow {
        try await database.pool.write { db in
            guard let doctor = try String.fetchOne(db, sql: """
                SELECT name FROM doctor WHERE hospital_code = ? AND code = ? AND active = 1
                """, arguments: [hospitalCode, doctorCode]) else {
                throw AppError.rule("doctor_not_registered", "The signing doctor is not registered at the reporting hospital.")
            }
            guard let state = try String.fetchOne(db, sql: "SELECT reading_state FROM ecg_recording WHERE id = ?", arguments: [id]) else {
                throw AppError.notFound("ecg_not_found", "No recording has that ID.")
            }
            guard state == "waiting" else { throw AppError.conflict("ecg_already_reported", "This recording already has a report.") }
            try db.execute(sql: """
                UPDATE ecg_recording SET reading_state = 'reported', diagnosis = ?, doctor_code = ?, doctor_name = ?, reported_at = ?,
                    reporting_hospital = ?
                WHERE id = ?
                """, arguments: [diagnosis, doctorCode, doctor, now, hospitalCode, id])
            try AccessStore.appendAudit(db, actorKind: "hospital", actorID: hospitalCode, action: "ecg.reported",
                                        subjectKind: "ecg_recording", subjectID: id, detail: doctorCode, now: now)
            return try ECGRecordingRow.fetchOne(db, sql: "SELECT * FROM ecg_recording WHERE id = ?", arguments: [id])!
        }
    }

    /// A person's recordings: by a bound patient card at the recording hospital or by ID-card number.
    public func recordings(personID: String, limit: Int = 200) async throws -> [ECGRecordingRow] {
        try await database.pool.read { db in
            try ECGRecordingRow.fetchAll(db, sql: """
                SELECT r.* FROM ecg_recording r
                WHERE EXISTS (SELECT 1 FROM patient_card c
                              WHERE c.person_id = ? AND c.hospital_code = r.hospital_code AND c.patient_id = r.patient_id)
                   OR r.id_number_index = (SELECT id_number_index FROM person WHERE id = ?)
                ORDER BY r.received_at DESC LIMIT ?
                """, arguments: [personID, personID, limit])
        }
    }

    /// The person a new recording belongs to, if the registry knows them (names the alert's patient).
    public func person(hospitalCode: String, patientID: String, idNumberIndex: String?) async throws -> String? {
        try await database.pool.read { db in
            try String.fetchOne(db, sql: """
                SELECT person_id FROM patient_card WHERE hospital_code = ? AND patient_id = ?
                UNION ALL SELECT id FROM person WHERE id_number_index = ? LIMIT 1
                """, arguments: [hospitalCode, patientID, idNumberIndex])
        }
    }

    // MARK: Critical-value contacts

    public func addContact(hospitalCode: String, role: String, label: String, phoneSealed: Data, actor: AuditActor,
                           now: Date) async throws -> AlertContactRow {
        try await database.pool.write { db in
            guard try CatalogStore.hospitalExists(db, code: hospitalCode) else {
                throw AppError.notFound("hospital_not_found", "No hospital has that code.")
            }
            let id = TypedID.make("act")
            try db.execute(sql: """
                INSERT INTO alert_contact (id, hospital_code, role, label, phone_sealed, enabled, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)
                """, arguments: [id, hospitalCode, role, label, phoneSealed, now])
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "alert_contact.added",
                                        subjectKind: "alert_contact", subjectID: id, detail: "\(hospitalCode) \(role)", now: now)
            return try AlertContactRow.fetchOne(db, sql: "SELECT * FROM alert_contact WHERE id = ?", arguments: [id])!
        }
    }

    public func contacts() async throws -> [AlertContactRow] {
        try await database.pool.read { db in
            try AlertContactRow.fetchAll(db, sql: "SELECT * FROM alert_contact ORDER BY hospital_code, role, id")
        }
    }

    public func disableContact(_ id: String, actor: AuditActor, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE alert_contact SET enabled = 0 WHERE id = ?", arguments: [id])
            guard db.changesCount == 1 else { throw AppError.notFound("alert_contact_not_found", "No contact has that ID.") }
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "alert_contact.disabled",
                                        subjectKind: "alert_contact", subjectID: id, detail: "", now: now)
        }
    }

    /// Staff reading a recording is audited against it.
    public func audit(actor: AuditActor, action: String, recordingID: String, now: Date) async throws {
        try await database.pool.write { db in
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: action,
                                        subjectKind: "ecg_recording", subjectID: recordingID, detail: "", now: now)
        }
    }
}
