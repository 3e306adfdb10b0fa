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

extension VR {
    /// The VR spelled by two bytes of an explicit VR header, without building a String per element.
    init?(_ first: UInt8, _ second: UInt8) {
        guard (0x41...0x5A).contains(first), (0x41...0x5A).contains(second) else { return nil }
        guard let vr = VR.byCode[Int(first - 0x41) * 26 + Int(second - 0x41)] else { return nil }
        self = vr
    }

    private static let byCode: [VR?] = {
        var table = [VR?](repeating: nil, count: 26 * 26)
        for vr in VR.allCases {
            let code = Array(vr.rawValue.utf8)
            table[Int(code[0] - 0x41) * 26 + Int(code[1] - 0x41)] = vr
        }
        return table
    }()

    /// The size of one binary number: what byte order applies to. 1 for text and byte streams.
    var wordSize: Int {
        switch self {
        case .US, .SS, .OW, .AT: 2
        case .UL, .SL, .FL, .OF, .OL: 4
        case .FD, .OD, .SV, .UV, .OV: 8
        default: 1
        }
    }
}
