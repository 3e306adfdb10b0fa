/// QIDO-RS filters as the index can answer them. Text filters hold DICOM wildcard patterns
/// (`*`, `?`) already checked by the caller; dates are `YYYYMMDD`.
public struct StudyFilter: Sendable {
    public var studyUIDs: [String] = []
    public var patientID: String?
    /// Blind-index key the patient name must carry (whole name or a component prefix).
    public var patientNameKey: String?
    public var accessionNumber: String?
    public var studyID: String?
    public var studyDateFrom: String?
    public var studyDateTo: String?
    public var modality: String?
    public var hospitalCode: String?
    public var idNumberIndex: String?
    public var limit: Int = 100
    public var offset: Int = 0

    public init() {}
}

public struct SeriesFilter: Sendable {
    public var studyUID: String?
    public var seriesUIDs: [String] = []
    public var modality: String?
    public var seriesNumber: Int?
    public var limit: Int = 1000
    public var offset: Int = 0

    public init() {}
}

public struct InstanceFilter: Sendable {
    public var studyUID: String?
    public var seriesUID: String?
    public var sopInstanceUIDs: [String] = []
    public var sopClassUID: String?
    public var instanceNumber: Int?
    public var limit: Int = 5000
    public var offset: Int = 0

    public init() {}
}

/// SQL for a DICOM text match: exact unless the value holds `*` or `?`, then GLOB with the
/// wildcards translated and GLOB's own metacharacters made literal.
struct DICOMMatch {
    let sql: String
    let argument: String

    init(column: String, value: String) {
        if value.contains("*") || value.contains("?") {
            var pattern = ""
            for character in value {
                switch character {
                case "*": pattern += "*"
                case "?": pattern += "?"
                case "[": pattern += "[[]"
                default: pattern.append(character)
                }
            }
            sql = "\(column) GLOB ?"
            argument = pattern
        } else {
            sql = "\(column) = ?"
            argument = value
        }
    }
}
