import Database
import HuiminCore

/// The query parameters of a QIDO-RS request, by keyword or by tag (`PatientID` or `00100020`).
/// Parameters the archive does not search on are ignored, as PS3.18 §8.3.4 allows; `includefield`
/// is accepted and the default attribute set is returned.
struct QIDOParameters {
    private var values: [String: String] = [:]
    let limit: Int
    let offset: Int
    let fuzzy: Bool

    static let keywords: [String: String] = [
        "00100010": "PatientName", "00100020": "PatientID", "00080050": "AccessionNumber", "00080020": "StudyDate",
        "00080061": "ModalitiesInStudy", "0020000D": "StudyInstanceUID", "00200010": "StudyID",
        "00080060": "Modality", "0020000E": "SeriesInstanceUID", "00200011": "SeriesNumber",
        "00080018": "SOPInstanceUID", "00080016": "SOPClassUID", "00200013": "InstanceNumber",
    ]

    init(_ query: [(String, String)], maxLimit: Int) throws {
        var limit = 100
        var offset = 0
        var fuzzy = false
        for (rawKey, value) in query {
            switch rawKey.lowercased() {
            case "limit":
                guard let number = Int(value), number > 0 else { throw Self.bad("limit is a positive whole number.") }
                limit = min(number, maxLimit)
            case "offset":
                guard let number = Int(value), number >= 0 else { throw Self.bad("offset is a whole number from 0.") }
                offset = number
            case "fuzzymatching": fuzzy = value.lowercased() == "true"
            case "includefield": continue
            default:
                let key = Self.keywords[rawKey.uppercased()] ?? rawKey
                values[key] = value
            }
        }
        self.limit = limit
        self.offset = offset
        self.fuzzy = fuzzy
    }

    subscript(_ keyword: String) -> String? {
        values[keyword].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// UID lists may be separated by commas or backslashes (PS3.18 §8.3.4.1).
    func uids(_ keyword: String) -> [String] {
        self[keyword].map { $0.split(whereSeparator: { $0 == "," || $0 == "\\" }).map(String.init) } ?? []
    }

    func int(_ keyword: String) throws -> Int? {
        guard let text = self[keyword] else { return nil }
        guard let number = Int(text) else { throw Self.bad("\(keyword) is a whole number.") }
        return number
    }

    /// A DA value or range (`20260101`, `20260101-20261231`, `-20261231`, `20260101-`).
    func dateRange(_ keyword: String) throws -> (from: String?, to: String?) {
        guard let text = self[keyword] else { return (nil, nil) }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else { throw Self.bad("\(keyword) is a date or a range of dates (YYYYMMDD-YYYYMMDD).") }
        for part in parts where !part.isEmpty && !(part.count == 8 && part.allSatisfy(\.isNumber)) {
            throw Self.bad("\(keyword) dates are YYYYMMDD.")
        }
        if parts.count == 1 { return (parts[0], parts[0]) }
        return (parts[0].isEmpty ? nil : parts[0], parts[1].isEmpty ? nil : parts[1])
    }

    static func bad(_ message: String) -> AppError { AppError.invalid("qido_parameter_invalid", message) }
}
