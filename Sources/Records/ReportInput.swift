import Foundation

/// A report as a hospital system sends it to `PUT /integration/v1/reports/{reportNo}`.
public struct ReportInput: Decodable, Sendable {
    /// lab (检验), exam (检查) or ecg (心电).
    public var kind: String
    /// The report's name (血常规, 胸部CT平扫).
    public var title: String
    /// The patient as the hospital knows them: its patient ID, the ID-card number, or both.
    public var patientId: String?
    public var idNumber: String?
    public var patientName: String?
    /// When the hospital issued this version, ISO 8601.
    public var reportedAt: String
    public var department: String?
    public var specimen: String?
    public var items: [LabItemInput]?
    public var modality: String?
    public var bodyPart: String?
    public var findings: String?
    public var impression: String?
    /// The imaging archive's StudyInstanceUID of an exam report.
    public var studyUid: String?
    /// The study's key images (SOP instance UIDs), in the order the film should show them.
    public var keyImages: [String]?
    /// The ECG archive's ID of an ECG report.
    public var ecgId: String?
    /// The printed report, base64.
    public var pdf: String?
    /// Why a correction was made.
    public var reason: String?
}

public struct LabItemInput: Decodable, Sendable {
    public var code: String
    public var name: String
    public var value: TextOrNumber
    public var unit: String?
    public var referenceLow: Double?
    public var referenceHigh: Double?
    public var referenceRange: String?
    /// N, H, L, HH, LL, critical or A; left out, it is worked out from the value and the range.
    public var flag: String?
}

/// A value a LIS may send as a JSON string or a JSON number.
public struct TextOrNumber: Decodable, Sendable {
    public var text: String

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else {
            // Decimal keeps the number's digits as sent (7, not 7.0).
            self.text = "\(try container.decode(Decimal.self))"
        }
    }
}
