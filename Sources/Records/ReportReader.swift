import Database
import Foundation
import HuiminCore
import Notices
import ObjectStore
import Residents

/// Reports as residents and staff read them. A resident reaches a report only through a family
/// member of their own account whose person the report names; anything else is not found, so a
/// report's existence never leaks. Staff (admin, operator) reach any report, withdrawn ones too,
/// and every read is audited before anything is returned.
public struct ReportReader: Sendable {
    let store: ReportStore
    let access: AccessStore
    let objects: any ObjectStore
    let personal: PersonalData
    let clock: any HuiminClock

    public init(store: ReportStore, access: AccessStore, objects: any ObjectStore, personal: PersonalData, clock: any HuiminClock) {
        self.store = store
        self.access = access
        self.objects = objects
        self.personal = personal
        self.clock = clock
    }

    /// A timeline's query parameters as sent.
    public struct Query: Sendable {
        public var hospital: String?
        public var kind: String?
        public var from: String?
        public var to: String?
        public var cursor: String?
        public var limit: String?

        public init(hospital: String?, kind: String?, from: String?, to: String?, cursor: String?, limit: String?) {
            self.hospital = hospital
            self.kind = kind
            self.from = from
            self.to = to
            self.cursor = cursor
            self.limit = limit
        }
    }

    static let notFound = AppError.notFound("report_not_found", "No such report for this family member.")
    static let trendLimit = 200

    // MARK: Residents

    public func timeline(accountID: String, memberID: String, _ query: Query) async throws -> ReportPage {
        try await page(personID: try await person(memberID: memberID, accountID: accountID), query, includeWithdrawn: false,
                       memberID: memberID)
    }

    public func report(accountID: String, memberID: String, reportID: String) async throws -> ReportView {
        let person = try await person(memberID: memberID, accountID: accountID)
        guard let listing = try await store.report(id: reportID, personID: person, includeWithdrawn: false) else { throw Self.notFound }
        return try await opened(listing, memberID: memberID, staff: false)
    }

    public func pdf(accountID: String, memberID: String, reportID: String) async throws -> [UInt8] {
        let person = try await person(memberID: memberID, accountID: accountID)
        guard let report = try await store.report(id: reportID, personID: person, includeWithdrawn: false)?.report else {
            throw Self.notFound
        }
        guard let sha = report.pdfSha256 else {
            throw AppError.notFound("report_pdf_missing", "This report has no PDF.")
        }
        return try objects.read(try BlobKey(sha))
    }

    /// One lab item (by the hospitals' item code) across the member's reports, oldest first.
    public func trend(accountID: String, memberID: String, code: String?, from: String?, to: String?) async throws -> LabTrend {
        guard let code = code?.trimmingCharacters(in: .whitespaces), !code.isEmpty else {
            throw AppError.invalid("item_code_missing", "Say which lab item: ?code=WBC.")
        }
        let range = try TimeRange.parse(from: from, to: to)
        let person = try await person(memberID: memberID, accountID: accountID)
        let listings = try await store.reports(personID: person, itemCode: code, from: range.from, to: range.to, limit: Self.trendLimit)
        var points: [LabTrend.Point] = []
        for listing in listings {
            guard let item = try content(listing).items.first(where: { $0.code == code }) else { continue }
            points.append(LabTrend.Point(reportId: listing.report.id, hospitalCode: listing.report.hospitalCode,
                                         hospitalName: listing.hospitalName, reportedAt: ISO8601.string(listing.report.reportedAt),
                                         item: ItemView(item: item)))
        }
        return LabTrend(code: code, name: points.last?.item.item.name, points: points)
    }

    /// The person's exam report on a study (for the film page) and the key images it names.
    public func studyReport(personID: String, studyUID: String) async throws -> (report: ReportView, keyImages: [String])? {
        guard let listing = try await store.studyReport(studyUID: studyUID, personID: personID) else { return nil }
        let content = try content(listing)
        var view = ReportView(listing, memberID: nil)
        view.open(content)
        return (view, content.keyImages ?? [])
    }

    // MARK: Staff

    public func timeline(memberID: String, by staff: StaffService.Staff, reason: String?, _ query: Query) async throws -> ReportPage {
        let reason = try Self.entitled(staff, reason: reason)
        guard let person = try await store.personID(memberID: memberID, accountID: nil) else {
            throw AppError.notFound("family_member_not_found", "No such family member.")
        }
        try await access.audit(actorKind: "staff", actorID: staff.id, action: "report.list", subjectKind: "person", subjectID: person,
                               detail: reason, now: clock.now())
        return try await page(personID: person, query, includeWithdrawn: true, memberID: nil)
    }

    /// A report with its whole history; `version` opens an earlier one.
    public func report(reportID: String, version: Int?, by staff: StaffService.Staff, reason: String?) async throws -> ReportView {
        let reason = try Self.entitled(staff, reason: reason)
        guard var listing = try await store.report(id: reportID, personID: nil, includeWithdrawn: true) else {
            throw AppError.notFound("report_not_found", "No such report.")
        }
        if let version {
            guard let earlier = try await store.versions(reportID: reportID).first(where: { $0.version == version }) else {
                throw AppError.notFound("report_version_not_found", "The report has no such version.")
            }
            listing.contentSealed = earlier.contentSealed
        }
        try await access.audit(actorKind: "staff", actorID: staff.id, action: "report.read", subjectKind: "report", subjectID: reportID,
                               detail: reason, now: clock.now())
        var view = try await opened(listing, memberID: nil, staff: true)
        let report = listing.report
        view.patient = ReportView.PatientView(patientId: report.patientId, name: try report.patientNameSealed.map(personal.open),
                                              idNumber: try report.idNumberSealed.map(personal.open))
        return view
    }

    // MARK: Shared

    private func person(memberID: String, accountID: String) async throws -> String {
        guard let person = try await store.personID(memberID: memberID, accountID: accountID) else {
            throw AppError.notFound("family_member_not_found", "No such family member in this account.")
        }
        return person
    }

    private func page(personID: String, _ query: Query, includeWithdrawn: Bool, memberID: String?) async throws -> ReportPage {
        let range = try TimeRange.parse(from: query.from, to: query.to)
        let kind = try query.kind.map { try ReportDraft.kind($0).rawValue }
        let filter = ReportFilter(hospitalCode: query.hospital, kind: kind, from: range.from, to: range.to, includeWithdrawn: includeWithdrawn)
        let page = try await store.reports(personID: personID, filter, after: try Paging.cursor(query.cursor),
                                           limit: try Paging.limit(query.limit))
        return ReportPage(reports: page.items.map { ReportView($0, memberID: memberID) }, nextCursor: page.next?.token)
    }

    private func opened(_ listing: ReportListing, memberID: String?, staff: Bool) async throws -> ReportView {
        var view = ReportView(listing, memberID: memberID)
        view.open(try content(listing))
        view.history = try await store.versions(reportID: listing.report.id).map {
            ReportView.VersionView(version: $0.version, action: $0.action, at: ISO8601.string($0.recordedAt), reason: $0.reason,
                                   actor: staff ? $0.actor : nil)
        }
        return view
    }

    private func content(_ listing: ReportListing) throws -> ReportContent {
        guard let sealed = listing.contentSealed,
              let content = try? JSONDecoder().decode(ReportContent.self, from: Data(try personal.crypto.open(Array(sealed)))) else {
            throw AppError.internalError
        }
        return content
    }

    /// Staff who may read residents' records, with the reason the audit entry keeps.
    private static func entitled(_ staff: StaffService.Staff, reason: String?) throws -> String {
        guard ["admin", "operator"].contains(staff.role) else {
            throw AppError.forbidden("role_forbidden", "Your role may not read residents' reports.")
        }
        guard let reason = reason?.trimmingCharacters(in: .whitespaces), !reason.isEmpty else {
            throw AppError.invalid("reason_missing", "Say why you read this resident's reports: ?reason=….")
        }
        return reason
    }
}
