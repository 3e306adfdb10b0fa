import Foundation
import GRDB

/// A published report's current state (table `report`). Personal fields arrive sealed; the content
/// is in the version row.
public struct ReportRow: Codable, Sendable, FetchableRecord, PersistableRecord, Equatable {
    public static let databaseTableName = "report"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: String
    public var hospitalCode: String
    public var reportNo: String
    /// lab, exam or ecg.
    public var kind: String
    public var title: String
    public var patientId: String?
    public var idNumberIndex: String?
    public var idNumberSealed: Data?
    public var patientNameSealed: Data?
    /// published or withdrawn.
    public var state: String
    public var version: Int
    public var reportedAt: Date
    public var abnormalCount: Int
    public var criticalCount: Int
    public var studyUid: String?
    public var ecgId: String?
    public var pdfSha256: String?
    public var pdfSize: Int64?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, hospitalCode: String, reportNo: String, kind: String, title: String, patientId: String?,
                idNumberIndex: String?, idNumberSealed: Data?, patientNameSealed: Data?, reportedAt: Date,
                abnormalCount: Int, criticalCount: Int, studyUid: String?, ecgId: String?, pdfSha256: String?,
                pdfSize: Int64?, now: Date) {
        self.id = id
        self.hospitalCode = hospitalCode
        self.reportNo = reportNo
        self.kind = kind
        self.title = title
        self.patientId = patientId
        self.idNumberIndex = idNumberIndex
        self.idNumberSealed = idNumberSealed
        self.patientNameSealed = patientNameSealed
        self.state = "published"
        self.version = 1
        self.reportedAt = reportedAt
        self.abnormalCount = abnormalCount
        self.criticalCount = criticalCount
        self.studyUid = studyUid
        self.ecgId = ecgId
        self.pdfSha256 = pdfSha256
        self.pdfSize = pdfSize
        self.createdAt = now
        self.updatedAt = now
    }
}

/// One version of a report as the hospital sent it (table `report_version`).
public struct ReportVersionRow: Codable, Sendable, FetchableRecord, PersistableRecord, Equatable {
    public static let databaseTableName = "report_version"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var reportId: String
    public var version: Int
    /// published, corrected, withdrawn or reinstated.
    public var action: String
    public var contentSealed: Data
    public var contentKey: String
    public var pdfSha256: String?
    /// The hospital whose key signed the change.
    public var actor: String
    public var reason: String?
    public var recordedAt: Date
}

/// What a hospital publishes: the report as it stands now (its ID is used only for a new report
/// number), its sealed content, and the keyed digest that recognises a repeat.
public struct ReportSubmission: Sendable {
    public var report: ReportRow
    public var contentSealed: Data
    public var contentKey: String
    /// Lab item codes, for trends.
    public var itemCodes: [String]
    /// Why a correction was made, as the hospital says it.
    public var reason: String?

    public init(report: ReportRow, contentSealed: Data, contentKey: String, itemCodes: [String], reason: String?) {
        self.report = report
        self.contentSealed = contentSealed
        self.contentKey = contentKey
        self.itemCodes = itemCodes
        self.reason = reason
    }
}

/// A report with what the reader needs beside it: the hospital's name, whether the imaging
/// archive holds its study, and (when asked for) the sealed content of the version read.
public struct ReportListing: Sendable {
    public var report: ReportRow
    public var hospitalName: String?
    public var studyAvailable: Bool
    /// Whether the ECG archive holds the ECG an ECG report names.
    public var ecgAvailable: Bool
    public var contentSealed: Data?

    init(row: Row) throws {
        report = try ReportRow(row: row)
        hospitalName = row["hospital_name"]
        studyAvailable = row["study_available"] ?? false
        ecgAvailable = row["ecg_available"] ?? false
        contentSealed = row.hasColumn("content_sealed") ? row["content_sealed"] : nil
    }
}

/// Which of a person's reports to list, newest first.
public struct ReportFilter: Sendable {
    public var hospitalCode: String?
    public var kind: String?
    public var from: Date?
    public var to: Date?
    public var includeWithdrawn: Bool

    public init(hospitalCode: String? = nil, kind: String? = nil, from: Date? = nil, to: Date? = nil, includeWithdrawn: Bool = false) {
        self.hospitalCode = hospitalCode
        self.kind = kind
        self.from = from
        self.to = to
        self.includeWithdrawn = includeWithdrawn
    }
}
