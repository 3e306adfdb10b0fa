import Foundation

/// Standard lead names and the spellings files use for them.
public enum LeadName {
    /// The twelve standard leads in the order sheets and viewers list them.
    public static let standard = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"]

    private static let byUppercase = Dictionary(uniqueKeysWithValues: standard.map { ($0.uppercased(), $0) })

    /// The standard spelling of a lead named by a file: DICOM code meanings ("Lead I (Einthoven)",
    /// "Lead aVR"), HL7 MDC codes ("MDC_ECG_LEAD_AVR") or plain names in any case ("avr").
    /// Names that are no standard lead (EASI, V7, V4R) come back trimmed, with their case kept.
    public static func normalised(_ raw: String) -> String {
        var name = raw.trimmingCharacters(in: .whitespaces)
        if let parenthesis = name.firstIndex(of: "(") {
            name = String(name[..<parenthesis]).trimmingCharacters(in: .whitespaces)
        }
        for prefix in ["MDC_ECG_LEAD_", "Lead ", "LEAD "] where name.hasPrefix(prefix) {
            name = String(name.dropFirst(prefix.count))
        }
        return byUppercase[name.uppercased()] ?? name
    }

    /// Sorts standard leads first in their usual order, others after in the order given.
    static func ordered(_ leads: [Lead]) -> [Lead] {
        let rank = Dictionary(uniqueKeysWithValues: standard.enumerated().map { ($1, $0) })
        return leads.enumerated().sorted { lhs, rhs in
            (rank[lhs.element.name] ?? standard.count + lhs.offset) < (rank[rhs.element.name] ?? standard.count + rhs.offset)
        }.map(\.element)
    }
}
