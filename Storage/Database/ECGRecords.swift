import Foundation
import GRDB

/// A recording as the ECG service has parsed and analysed it, ready to be kept.
public struct NewECGRecording: Sendable {
    public var id: String
    public var hospitalCode: String
    public var deviceCode: String
    public var format: String
    public var originalSHA256: String
    public var originalSize: Int64
    public var patientID: String
    public var patientNameSealed: Data?
    public var idNumberIndex: String?
    public var acquiredAt: String?
    public var samplingRate: Double
    public var duration: Double
    public var leads: [String]
    public var measurementsJSON: String
    public var interpretationJSON: String
    public var heartRate: Double?
    public var longestRR: Double?
    public var findingsJSON: String
    public var critical: Bool

    public init(id: String, hospitalCode: String, deviceCode: String, format: String, originalSHA256: String, originalSize: Int64,
                patientID: String, patientNameSealed: Data?, idNumberIndex: String?, acquiredAt: String?, samplingRate: Double,
                duration: Double, leads: [String], measurementsJSON: String, interpretationJSON: String, heartRate: Double?,
                longestRR: Double?, findingsJSON: String, critical: Bool) {
        self.id = id
        self.hospitalCode = hospitalCode
        self.deviceCode = deviceCode
        self.format = format
        self.originalSHA256 = originalSHA256
        self.originalSize = originalSize
        self.patientID = patientID
        self.patientNameSealed = patientNameSealed
        self.idNumberIndex = idNumberIndex
        self.acquiredAt = acquiredAt
        self.samplingRate = samplingRate
        self.duration = duration
        self.leads = leads
        self.measurementsJSON = measurementsJSON
        self.interpretationJSON = interpretationJSON
        self.heartRate = heartRate
        self.longestRR = longestRR
        self.findingsJSON = findingsJSON
        self.critical = critical
    }
}

public struct ECGRecordingRow: Codable, FetchableRecord, Sendable {
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var id: String
    public var hospitalCode: String
    public var deviceCode: String
    public var format: String
    public var originalSha256: String
    public var attachmentSha256: String?
    public var attachmentType: String?
    public var patientId: String
    public var patientNameSealed: Data?
    public var idNumberIndex: String?
    public var acquiredAt: String?
    public var samplingRate: Double
    public var duration: Double
    public var leads: String
    public var measurements: String
    public var interpretation: String
    public var heartRate: Double?
    public var longestRr: Double?
    public var findings: String
    public var critical: Bool
    public var renderState: String
    public var renderReason: String?
    public var thumbnailSha256: String?
    public var screenSha256: String?
    public var printSha256: String?
    public var readingState: String
    public var diagnosis: String?
    public var doctorCode: String?
    public var doctorName: String?
    public var reportedAt: Date?
    public var reportingHospital: String?
    public var receivedAt: Date
}

public struct ECGDeviceRow: Codable, FetchableRecord, Sendable {
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var deviceCode: String
    public var apiKeyId: String
    public var hospitalCode: String
    public var model: String
    public var enabled: Bool
    public var createdAt: Date
    public var updatedAt: Date
}

public struct AlertContactRow: Codable, FetchableRecord, Sendable {
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var id: String
    public var hospitalCode: String
    public var role: String
    public var label: String
    public var phoneSealed: Data
    public var enabled: Bool
    public var createdAt: Date
}
