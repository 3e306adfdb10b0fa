/// A value representation (PS3.5 §6.2).
public enum VR: String, Sendable, CaseIterable {
    case AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV, OW, PN, SH, SL, SQ, SS, ST, SV,
         TM, UC, UI, UL, UN, UR, US, UT, UV

    /// In explicit VR, these have a 2-byte reserved field and a 4-byte length (PS3.5 Table 7.1-1).
    public var hasLongLength: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .SQ, .UC, .UN, .UR, .UT, .SV, .UV: true
        default: false
        }
    }

    /// Text values, decoded through the data set's character set when they may carry one.
    public var isText: Bool {
        switch self {
        case .AE, .AS, .CS, .DA, .DS, .DT, .IS, .LO, .LT, .PN, .SH, .ST, .TM, .UC, .UI, .UR, .UT: true
        default: false
        }
    }

    /// Texts whose values may use the Specific Character Set (the rest are plain ASCII).
    public var usesCharacterSet: Bool {
        switch self {
        case .LO, .LT, .PN, .SH, .ST, .UC, .UT: true
        default: false
        }
    }
}
