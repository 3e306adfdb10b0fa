/// Why an ECG file could not be read. `code` is stable for machines (logs, API problem documents);
/// `message` names the problem for people.
public enum ECGError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data is not the format the reader expects (no AnnotatedECG root, no waveform sequence, not JSON).
    case notECG(format: String, reason: String)
    case noLeads(String)
    case badSamplingRate(String)
    case leadLengthMismatch(lead: String, expected: Int, found: Int)
    /// The data ends early: truncated XML, waveform bytes shorter than channels x samples.
    case truncated(String)
    /// A field of the wrong type or value.
    case invalidField(field: String, reason: String)
    case unsupported(String)

    public var code: String {
        switch self {
        case .notECG(let format, _): "ecg_not_\(format)"
        case .noLeads: "ecg_no_leads"
        case .badSamplingRate: "ecg_bad_sampling_rate"
        case .leadLengthMismatch: "ecg_lead_length_mismatch"
        case .truncated: "ecg_truncated"
        case .invalidField: "ecg_invalid_field"
        case .unsupported: "ecg_unsupported"
        }
    }

    public var message: String {
        switch self {
        case .notECG(let format, let reason): "The data is not a \(Self.formatName(format)) ECG: \(reason)."
        case .noLeads(let reason): "The ECG has no usable leads: \(reason)."
        case .badSamplingRate(let reason): "The ECG's sampling rate is unusable: \(reason)."
        case .leadLengthMismatch(let lead, let expected, let found):
            "Lead \(lead) has \(found) samples where the other leads have \(expected)."
        case .truncated(let reason): "The ECG data ends early: \(reason)."
        case .invalidField(let field, let reason): "Field \(field) is invalid: \(reason)."
        case .unsupported(let reason): "The ECG uses something not supported: \(reason)."
        }
    }

    public var description: String { "\(code): \(message)" }

    private static func formatName(_ format: String) -> String {
        switch format {
        case "aecg": "HL7 aECG"
        case "dicom": "DICOM waveform"
        default: format.uppercased()
        }
    }
}
