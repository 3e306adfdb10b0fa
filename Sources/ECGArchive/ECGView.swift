import Database
import Foundation
import HuiminCore
import Imaging

/// A recording as the API shows it: what the cart measured and said, Huimin's analysis, the
/// critical findings, and the centre's report. The patient's name is masked.
public struct ECGView: Encodable, Sendable {
    public struct Report: Encodable, Sendable {
        public var diagnosis: String
        public var doctorName: String
        public var reportedAt: Date
    }

    public var id: String
    public var hospitalCode: String
    public var deviceCode: String
    public var format: String
    public var patientId: String
    public var patientName: String?
    public var acquiredAt: String?
    public var receivedAt: Date
    public var samplingRate: Double
    public var duration: Double
    public var leads: [String]
    public var heartRate: Double?
    public var longestRR: Double?
    public var measurements: ECGMeasurements
    public var interpretation: [String]
    public var critical: Bool
    public var findings: [CriticalFinding]
    public var renderState: String
    public var readingState: String
    public var hasAttachment: Bool
    public var report: Report?

    public init(_ row: ECGRecordingRow, crypto: any CryptoProfile) throws {
        let decoder = JSONDecoder()
        id = row.id
        hospitalCode = row.hospitalCode
        deviceCode = row.deviceCode
        format = row.format
        patientId = row.patientId.count > 8 ? Masking.idNumber(row.patientId) : row.patientId
        patientName = try row.patientNameSealed.map { sealed in
            do {
                return Masking.name(String(decoding: try crypto.open(Array(sealed)), as: UTF8.self))
            } catch {
                throw AppError.internalError
            }
        }
        acquiredAt = row.acquiredAt
        receivedAt = row.receivedAt
        samplingRate = row.samplingRate
        duration = row.duration
        leads = row.leads.split(separator: ",").map(String.init)
        heartRate = row.heartRate.map { ($0 * 10).rounded() / 10 }
        longestRR = row.longestRr.map { ($0 * 1000).rounded() / 1000 }
        measurements = (try? decoder.decode(ECGMeasurements.self, from: Data(row.measurements.utf8))) ?? ECGMeasurements()
        interpretation = (try? decoder.decode([String].self, from: Data(row.interpretation.utf8))) ?? []
        critical = row.critical
        findings = (try? decoder.decode([CriticalFinding].self, from: Data(row.findings.utf8))) ?? []
        renderState = row.renderState
        readingState = row.readingState
        hasAttachment = row.attachmentSha256 != nil
        if let diagnosis = row.diagnosis, let doctor = row.doctorName, let at = row.reportedAt {
            report = Report(diagnosis: diagnosis, doctorName: doctor, reportedAt: at)
        }
    }
}
