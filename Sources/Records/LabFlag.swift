/// A lab item's abnormal flag as the LIS reports it (HL7 v2 OBX-8 style): HH and LL are beyond
/// the panic limits, `critical` is a 危急值 the LIS names without a direction, A is abnormal for a
/// result that has no high or low (a positive qualitative test).
public enum LabFlag: String, Codable, Sendable, CaseIterable {
    case normal = "N"
    case high = "H"
    case low = "L"
    case criticalHigh = "HH"
    case criticalLow = "LL"
    case critical
    case abnormal = "A"

    public enum Severity: String, Codable, Sendable {
        case normal, abnormal, critical
    }

    public var severity: Severity {
        switch self {
        case .normal: .normal
        case .high, .low, .abnormal: .abnormal
        case .criticalHigh, .criticalLow, .critical: .critical
        }
    }

    /// Which way the value is off, when the flag says.
    public var direction: String? {
        switch self {
        case .high, .criticalHigh: "high"
        case .low, .criticalLow: "low"
        case .normal, .critical, .abnormal: nil
        }
    }

    /// The flag the LIS left out, worked out from the value and the reference range: the hospital's
    /// own flag always wins, since only it knows its panic limits.
    static func derived(value: Double?, low: Double?, high: Double?) -> LabFlag {
        guard let value else { return .normal }
        if let low, value < low { return .low }
        if let high, value > high { return .high }
        return .normal
    }
}
