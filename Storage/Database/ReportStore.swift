import Foundation
import GRDB
import HuiminCore

/// Reports as hospitals publish, correct and withdraw them. Each write is one transaction: the
/// report row, its version, the PDF's blob reference, the audit entry and the report-ready notices.
public struct ReportStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public enum Outcome: String, Sendable, Equatable {
        /// A new report number.
        case published
        /// Other content under a known number: the new version replaces the old, which is kept.
        case corrected
        /// A withdrawn report published again.
        case reinstated
        /// The same content again: nothing changed.
        case unchanged
    }

    /// Takes a hospital's report. The report number is the key per hospital: the same content
    /// again is a no-op, other content is the next version. A report keeps its kind for life.
    public func publish(_ submission: ReportSubmission, now: Date) async throws -> (outcome: Outcome, report: ReportRow) {
        try await database.pool.write { db in
            let sent = submission.report
            guard var report = try ReportRow.filter(Column("hospital_code") == sent.hospitalCode && Column("report_no") == sent.reportNo)
                .fetchOne(db) else {
                try sent.insert(db)
                try Self.record(db, sent, action: .published, submission, now: now)
                return (.published, sent)
            }
            guard report.kind == sent.kind else {
                throw AppError.conflict("report_kind_changed", "Report \(sent.reportNo) is a \(report.kind) report; publish another kind under another number.")
            }
            let current = try Self.version(db, report)
            if report.state == "published" && current.contentKey == submission.contentKey {
                return (.unchanged, report)
            }
            let outcome: Outcome = report.state == "withdrawn" ? .reinstated : .corrected
            let (id, createdAt, version) = (report.id, report.createdAt, report.version + 1)
            report = sent
            report.id = id
            report.createdAt = createdAt
            report.version = version
            report.updatedAt = now
            try report.update(db)
            try db.execute(sql: "DELETE FROM report_item_code WHERE report_id = ?", arguments: [id])
            try Self.record(db, report, action: outcome, submission, now: now)
            return (outcome, report)
        }
    }

    /// The hospital takes a report back: residents no longer see it, staff still do. Withdrawing
    /// twice changes nothing; a report-ready notice not yet sent is not sent.
    public func withdraw(hospitalCode: String, reportNo: String, reason: String?, now: Date) async throws -> ReportRow {
        try await database.pool.write { db in
            guard var report = try ReportRow.filter(Column("hospital_code") == hospitalCode && Column("report_no") == reportNo)
                .fetchOne(db) else {
                throw AppError.notFound("report_not_found", "No report with that number from this hospital.")
            }
            guard report.state == "published" else { return report }
            var version = try Self.version(db, report)
            report.state = "withdrawn"
            report.version += 1
            report.updatedAt = now
            try report.update(db)
            version.version = report.version
            version.action = "withdrawn"
            version.actor = hospitalCode
            version.reason = reason
            version.recordedAt = now
            try version.insert(db)
            try db.execute(sql: """
                DELETE FROM outbox WHERE event = 'report.ready' AND subject_kind = 'report' AND subject_id = ? AND dispatched_at IS NULL
                """, arguments: [report.id])
            try AccessStore.appendAudit(db, actorKind: "hospital", actorID: hospitalCode, action: "report.withdrawn",
                                        subjectKind: "report", subjectID: report.id, detail: "v\(report.version)", now: now)
            return report
        }
    }

    static func version(_ db: GRDB.Database, _ report: ReportRow) throws -> ReportVersionRow {
        guard let row = try ReportVersionRow.fetchOne(db, key: ["report_id": report.id, "version": report.version]) else {
            throw AppError.internalError
        }
        return row
    }

    /// The version row, the item codes, the PDF's reference, the audit entry and the notices of
    /// one published content.
    private static func record(_ db: GRDB.Database, _ report: ReportRow, action: Outcome, _ submission: ReportSubmission,
                               now: Date) throws {
        try ReportVersionRow(reportId: report.id, version: report.version, action: action.rawValue,
                             contentSealed: submission.contentSealed, contentKey: submission.contentKey,
                             pdfSha256: report.pdfSha256, actor: report.hospitalCode, reason: submission.reason,
                             recordedAt: now).insert(db)
        for code in Set(submission.itemCodes) {
            try db.execute(sql: "INSERT INTO report_item_code (code, report_id) VALUES (?, ?)", arguments: [code, report.id])
        }
        if let sha = report.pdfSha256, let size = report.pdfSize {
            try ImagingStore.referenceBlob(db, sha: sha, size: size, ownerKind: "report_pdf", ownerID: "\(report.id)#\(report.version)",
                                           hospitalCode: report.hospitalCode, now: now)
        }
        try AccessStore.appendAudit(db, actorKind: "hospital", actorID: report.hospitalCode, action: "report.\(action.rawValue)",
                                    subjectKind: "report", subjectID: report.id, detail: "v\(report.version)", now: now)
        try announce(db, report, corrected: action == .corrected, now: now)
    }

    /// 报告已出: every account with the patient in its family hears of it, once per version. A
    /// correction is announced too (the first values may already have been read), named as such.
    /// Nobody linked yet, nobody told: a card bound later shows the report without a notice.
    private static func announce(_ db: GRDB.Database, _ report: ReportRow, corrected: Bool, now: Date) throws {
        let holders = try Row.fetchAll(db, sql: """
            SELECT DISTINCT f.account_id, f.person_id FROM family_member f
            WHERE f.person_id IN (\(ReportLinks.personsOfReport))
            """, arguments: [report.hospitalCode, report.patientId, report.idNumberIndex])
        for holder in holders {
            let accountID: String = holder["account_id"]
            let personID: String = holder["person_id"]
            try OutboxStore.append(db, OutboxMessage(
                event: "report.ready", accountID: accountID, personID: personID, subjectKind: "report", subjectID: report.id,
                payload: ["hospitalCode": report.hospitalCode, "reportId": report.id,
                          "reportName": corrected ? report.title + "（更正）" : report.title,
                          "publishedAt": ISO8601.string(report.reportedAt)],
                dedupeKey: "report.ready:\(report.id):\(report.version):\(accountID):\(personID)"), now: now)
        }
    }
}

/// How a report names its patient, and so which persons it belongs to: the hospital's patient ID
/// on a bound patient card (就诊卡), or the ID-card number of a real-named person. When the report
/// carries an ID-card number, a card held by someone with another number does not link: the
/// hospital's own record of who the patient is wins over a card bound to the wrong person.
enum ReportLinks {
    /// Persons of one report; arguments: hospital code, patient ID, ID-number index.
    static let personsOfReport = """
        SELECT c.person_id FROM patient_card c JOIN person p ON p.id = c.person_id
        WHERE c.hospital_code = ?1 AND c.patient_id = ?2 AND (?3 IS NULL OR p.id_number_index = ?3)
        UNION SELECT id FROM person WHERE id_number_index = ?3
        """

    /// Report IDs of one person, the person ID being the numbered argument `person` (`?1`).
    static func reportsOfPerson(_ person: String = "?1") -> String {
        """
        SELECT r.id FROM patient_card c JOIN person p ON p.id = c.person_id
        JOIN report r ON r.hospital_code = c.hospital_code AND r.patient_id = c.patient_id
        WHERE c.person_id = \(person) AND (r.id_number_index IS NULL OR r.id_number_index = p.id_number_index)
        UNION SELECT r.id FROM person p JOIN report r ON r.id_number_index = p.id_number_index WHERE p.id = \(person)
        """
    }
}
