import Foundation
import GRDB

extension ReportStore {
    /// A report with its hospital's name and whether the archive holds its study.
    private static let listing = """
        SELECT r.*, h.name AS hospital_name,
               (r.study_uid IS NOT NULL AND EXISTS (SELECT 1 FROM dicom_study s WHERE s.study_uid = r.study_uid)) AS study_available,
               (r.ecg_id IS NOT NULL AND EXISTS (SELECT 1 FROM ecg_recording e WHERE e.id = r.ecg_id)) AS ecg_available
        """

    /// The person behind a family member: within `accountID` when given (a resident), else any (staff).
    public func personID(memberID: String, accountID: String?) async throws -> String? {
        try await database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT person_id FROM family_member WHERE id = ?1 AND (?2 IS NULL OR account_id = ?2)",
                                arguments: [memberID, accountID])
        }
    }

    /// A person's reports across hospitals, newest issued first, below `after` when given.
    public func reports(personID: String, _ filter: ReportFilter, after: Keyset?, limit: Int) async throws -> KeysetPage<ReportListing> {
        try await database.pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                WITH linked(id) AS (\(ReportLinks.reportsOfPerson()))
                \(Self.listing) FROM report r JOIN linked ON linked.id = r.id LEFT JOIN hospital h ON h.code = r.hospital_code
                WHERE (?2 = 1 OR r.state = 'published') AND (?3 IS NULL OR r.hospital_code = ?3) AND (?4 IS NULL OR r.kind = ?4)
                  AND (?5 IS NULL OR r.reported_at >= ?5) AND (?6 IS NULL OR r.reported_at < ?6)
                  AND (?7 IS NULL OR (r.reported_at, r.id) < (?7, ?8))
                ORDER BY r.reported_at DESC, r.id DESC LIMIT ?9
                """, arguments: [personID, filter.includeWithdrawn, filter.hospitalCode, filter.kind, filter.from?.sqlText,
                                 filter.to?.sqlText, after?.at, after?.id, limit + 1])
            return KeysetPage(rows: try rows.map(ReportListing.init(row:)), limit: limit) {
                Keyset(createdAt: $0.report.reportedAt, id: $0.report.id)
            }
        }
    }

    /// One report with the sealed content of its current version: only if it is the person's when
    /// a person is given, and only published unless withdrawn ones are asked for.
    public func report(id: String, personID: String?, includeWithdrawn: Bool) async throws -> ReportListing? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: """
                \(Self.listing), v.content_sealed
                FROM report r JOIN report_version v ON v.report_id = r.id AND v.version = r.version
                LEFT JOIN hospital h ON h.code = r.hospital_code
                WHERE r.id = ?1 AND (?2 = 1 OR r.state = 'published')
                  AND (?3 IS NULL OR r.id IN (\(ReportLinks.reportsOfPerson("?3"))))
                """, arguments: [id, includeWithdrawn, personID]).map(ReportListing.init(row:))
        }
    }

    /// The person's newest published exam report on a study, with its sealed content.
    public func studyReport(studyUID: String, personID: String) async throws -> ReportListing? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: """
                \(Self.listing), v.content_sealed
                FROM report r JOIN report_version v ON v.report_id = r.id AND v.version = r.version
                LEFT JOIN hospital h ON h.code = r.hospital_code
                WHERE r.study_uid = ?1 AND r.state = 'published' AND r.kind = 'exam'
                  AND r.id IN (\(ReportLinks.reportsOfPerson("?2")))
                ORDER BY r.reported_at DESC LIMIT 1
                """, arguments: [studyUID, personID]).map(ReportListing.init(row:))
        }
    }

    /// Every version of a report, oldest first (the history staff read).
    public func versions(reportID: String) async throws -> [ReportVersionRow] {
        try await database.pool.read { db in
            try ReportVersionRow.filter(Column("report_id") == reportID).order(Column("version")).fetchAll(db)
        }
    }

    /// The person's published lab reports that measured `code`, oldest first, with their content.
    public func reports(personID: String, itemCode: String, from: Date?, to: Date?, limit: Int) async throws -> [ReportListing] {
        try await database.pool.read { db in
            // The newest `limit`, turned oldest first.
            try Array(Row.fetchAll(db, sql: """
                WITH linked(id) AS (\(ReportLinks.reportsOfPerson()))
                \(Self.listing), v.content_sealed
                FROM report r JOIN linked ON linked.id = r.id
                JOIN report_item_code i ON i.report_id = r.id AND i.code = ?2
                JOIN report_version v ON v.report_id = r.id AND v.version = r.version
                LEFT JOIN hospital h ON h.code = r.hospital_code
                WHERE r.state = 'published' AND (?3 IS NULL OR r.reported_at >= ?3) AND (?4 IS NULL OR r.reported_at < ?4)
                ORDER BY r.reported_at DESC, r.id DESC LIMIT ?5
                """, arguments: [personID, itemCode, from?.sqlText, to?.sqlText, limit]).map(ReportListing.init(row:)).reversed())
        }
    }
}
