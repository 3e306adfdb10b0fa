import Database
import Foundation
import HuiminCore

/// A report as a resident (or staff) reads it. In a timeline only the summary fields are set; the
/// opened report adds its content, its links and its history.
public struct ReportView: Encodable, Sendable {
    public var id: String
    /// The family member it was found for (resident reads).
    public var memberId: String?
    public var hospitalCode: String
    public var hospitalName: String?
    public var reportNo: String
    public var kind: String
    public var title: String
    /// published, or withdrawn (staff only ever see those).
    public var state: String
    public var version: Int
    public var reportedAt: String
    public var abnormalCount: Int
    public var criticalCount: Int
    public var studyUid: String?
    /// Whether the imaging archive holds the study, so the film can be opened.
    public var studyAvailable: Bool?
    /// Where the resident opens the study as a film, when the archive holds it.
    public var filmUrl: String?
    public var ecgId: String?
    /// Whether the ECG archive holds the ECG, and where the resident opens it (with its sheet).
    public var ecgAvailable: Bool?
    public var ecgUrl: String?
    public var pdf: PDFLink?
    public var department: String?
    public var specimen: String?
    public var items: [ItemView]?
    public var modality: String?
    public var bodyPart: String?
    public var findings: String?
    public var impression: String?
    public var history: [VersionView]?
    /// The patient as the hospital named them: staff reads only.
    public var patient: PatientView?

    public struct PDFLink: Encodable, Sendable {
        /// Where a resident downloads it (with the bearer token); absent for staff.
        public var url: String?
        public var size: Int64
    }

    public struct VersionView: Encodable, Sendable {
        public var version: Int
        public var action: String
        public var at: String
        public var reason: String?
        /// The hospital that sent it: staff reads only.
        public var actor: String?
    }

    public struct PatientView: Encodable, Sendable {
        public var patientId: String?
        public var name: String?
        public var idNumber: String?
    }

    init(_ listing: ReportListing, memberID: String?) {
        let report = listing.report
        id = report.id
        memberId = memberID
        hospitalCode = report.hospitalCode
        hospitalName = listing.hospitalName
        reportNo = report.reportNo
        kind = report.kind
        title = report.title
        state = report.state
        version = report.version
        reportedAt = ISO8601.string(report.reportedAt)
        abnormalCount = report.abnormalCount
        criticalCount = report.criticalCount
        studyUid = report.studyUid
        studyAvailable = report.studyUid == nil ? nil : listing.studyAvailable
        if let memberID, let study = report.studyUid, listing.studyAvailable {
            filmUrl = "/api/v1/family-members/\(memberID)/studies/\(study)"
        }
        ecgId = report.ecgId
        ecgAvailable = report.ecgId == nil ? nil : listing.ecgAvailable
        if let memberID, let ecg = report.ecgId, listing.ecgAvailable {
            ecgUrl = "/api/v1/family-members/\(memberID)/ecgs/\(ecg)"
        }
        pdf = report.pdfSize.map { size in
            PDFLink(url: memberID.map { "/api/v1/family-members/\($0)/reports/\(report.id)/pdf" }, size: size)
        }
    }

    /// Adds the content of the version read.
    mutating func open(_ content: ReportContent) {
        department = content.department
        specimen = content.specimen
        items = kind == "lab" ? content.items.map { ItemView(item: $0) } : nil
        modality = content.modality
        bodyPart = content.bodyPart
        findings = content.findings
        impression = content.impression
    }
}

/// A lab item as stored, with its flag spelled out beside it (abnormal, severity, direction), so
/// the mini-program highlights without knowing the flag codes.
public struct ItemView: Encodable, Sendable {
    public var item: LabItem

    private enum Spelled: String, CodingKey { case abnormal, severity, direction }

    public func encode(to encoder: any Encoder) throws {
        try item.encode(to: encoder)
        var container = encoder.container(keyedBy: Spelled.self)
        try container.encode(item.flag.severity != .normal, forKey: .abnormal)
        try container.encode(item.flag.severity.rawValue, forKey: .severity)
        try container.encodeIfPresent(item.flag.direction, forKey: .direction)
    }
}

public struct ReportPage: Encodable, Sendable {
    public var reports: [ReportView]
    public var nextCursor: String?
}

/// One lab item across a person's reports and hospitals, oldest first. Units and ranges differ
/// between hospitals, so each point carries its own.
public struct LabTrend: Encodable, Sendable {
    public var code: String
    /// The item's name in the newest report.
    public var name: String?
    public var points: [Point]

    public struct Point: Encodable, Sendable {
        public var reportId: String
        public var hospitalCode: String
        public var hospitalName: String?
        public var reportedAt: String
        public var item: ItemView
    }
}
