import Foundation

/// Huimin's JSON format for carts that send samples directly (`assets/ecg/ecg-json-format.md`).
/// Strict: unknown fields, wrong types, non-integer microvolts and unparseable times are errors
/// naming the field, so a cart's integration bug surfaces at its first upload.
public enum ECGJSONReader {
    public static let formatVersion = "huimin-ecg/1"

    public static func read(_ bytes: [UInt8]) throws(ECGError) -> ECGRecording {
        var document: ECGJSONDocument
        do {
            if let split = ECGJSONLeadsScanner.split(bytes) {
                document = try JSONDecoder().decode(ECGJSONDocument.self, from: Data(split.rest))
                document.leads = split.leads
            } else {
                document = try JSONDecoder().decode(ECGJSONDocument.self, from: Data(bytes))
            }
        } catch let error as ECGError {
            throw error
        } catch let DecodingError.typeMismatch(type, context) {
            throw .invalidField(field: path(context), reason: "expected \(typeName(type))")
        } catch let DecodingError.valueNotFound(type, context) {
            throw .invalidField(field: path(context), reason: "expected \(typeName(type)), found null")
        } catch let DecodingError.keyNotFound(key, context) {
            throw .invalidField(field: path(context, key), reason: "the field is required")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw .invalidField(field: path(context), reason: "not a valid value")
        } catch {
            throw .notECG(format: "json", reason: "the data is not valid JSON (truncated or malformed)")
        }
        return try document.recording()
    }

    private static func path(_ context: DecodingError.Context, _ key: (any CodingKey)? = nil) -> String {
        let keys = context.codingPath + (key.map { [$0] } ?? [])
        let parts = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return parts.hasPrefix(".") ? String(parts.dropFirst()) : (parts.isEmpty ? "(document)" : parts)
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Int.Type: "a number"
        case is [String].Type: "an array of strings"
        case is [Double].Type: "an array of numbers"
        default: "an object or array of the documented shape"
        }
    }
}

/// The document as decoded; `recording()` applies the rules Codable cannot express.
private struct ECGJSONDocument: Decodable {
    var format: String?
    var deviceId: String?
    var recordedAt: String
    var samplingRate: Double
    var units: String?
    var leads: [String: ScannedSamples]
    var measurements: ECGMeasurements?
    var interpretation: [String]?
    var patient: Patient?

    struct Patient: Decodable {
        var id: String?
        var name: String?
    }

    private enum Keys: String, CodingKey, CaseIterable {
        case format, deviceId, recordedAt, samplingRate, units, leads, measurements, interpretation, patient
    }

    /// Any JSON key, to name the unknown ones.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let known = Set(Keys.allCases.map(\.rawValue))
        if let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).filter({ !known.contains($0) }).sorted().first {
            throw ECGError.invalidField(field: unknown, reason: "unknown field (see ecg-json-format.md)")
        }
        let container = try decoder.container(keyedBy: Keys.self)
        format = try container.decodeIfPresent(String.self, forKey: .format)
        deviceId = try container.decodeIfPresent(String.self, forKey: .deviceId)
        recordedAt = try container.decode(String.self, forKey: .recordedAt)
        samplingRate = try container.decode(Double.self, forKey: .samplingRate)
        units = try container.decodeIfPresent(String.self, forKey: .units)
        leads = try container.decode([String: [Double]].self, forKey: .leads).mapValues(ScannedSamples.real)
        measurements = try container.decodeIfPresent(ECGMeasurements.self, forKey: .measurements)
        interpretation = try container.decodeIfPresent([String].self, forKey: .interpretation)
        patient = try container.decodeIfPresent(Patient.self, forKey: .patient)
    }

    func recording() throws(ECGError) -> ECGRecording {
        if let format, format != ECGJSONReader.formatVersion {
            throw .invalidField(field: "format", reason: "\"\(format)\" is not \(ECGJSONReader.formatVersion)")
        }
        guard InternetDateTime.isValid(recordedAt) else {
            throw .invalidField(field: "recordedAt", reason: "\"\(recordedAt)\" is not an ISO 8601 date-time with offset")
        }
        let perUnit: Double
        switch units ?? "uV" {
        case "uV": perUnit = 1
        case "mV": perUnit = 1_000
        default: throw .invalidField(field: "units", reason: "\"\(units ?? "")\" is neither uV nor mV")
        }
        var parsed: [Lead] = []
        for (name, scanned) in leads.sorted(by: { $0.key < $1.key }) {
            let standardName = LeadName.normalised(name)
            guard !standardName.isEmpty, standardName.count <= 16 else {
                throw .invalidField(field: "leads.\(name)", reason: "a lead name must be 1 to 16 characters")
            }
            let values: [Double]
            switch scanned {
            case .whole(let whole) where perUnit == 1:
                parsed.append(Lead(name: standardName, samples: whole))
                continue
            case .whole(let whole): values = whole.map(Double.init)
            case .real(let real): values = real
            }
            var samples = [Int32]()
            samples.reserveCapacity(values.count)
            for (index, value) in values.enumerated() {
                let microvolts = value * perUnit
                // µV are integers on the wire; mV may carry three decimals.
                guard microvolts.isFinite, abs(microvolts - microvolts.rounded()) < 1e-6 || perUnit != 1,
                      abs(microvolts) < Double(Int32.max) else {
                    throw .invalidField(field: "leads.\(name)[\(index)]", reason: "\(value) is not a whole number of microvolts")
                }
                samples.append(Int32(microvolts.rounded()))
            }
            parsed.append(Lead(name: standardName, samples: samples))
        }
        var measured = measurements ?? ECGMeasurements()
        measured.deriveHeartRate()
        return ECGRecording(source: .json, leads: try LeadSet.validated(parsed, samplingRate: samplingRate),
                            samplingRate: samplingRate, measurements: measured, interpretation: interpretation ?? [],
                            acquisitionTime: recordedAt, deviceID: deviceId,
                            patient: ECGPatient(id: patient?.id, name: patient?.name))
    }
}
