/// The Specific Character Set (0008,0005) of a data set, as far as decoding text needs it.
/// Chinese hospitals send GB18030, GBK and UTF-8 (`ISO_IR 192`); absent means the default repertoire.
public enum CharacterSet: Sendable, Equatable {
    case `default`
    case latin1
    case utf8
    case gb18030
    case gbk
    /// ISO-IR repertoires (PS3.3 C.12.1.1.2): a single-byte set other than Latin-1 (`ISO_IR 144`),
    /// or several values, switched between with ISO 2022 escape sequences (`\ISO 2022 IR 58`
    /// for GB2312, `ISO 2022 IR 13\ISO 2022 IR 87` for Japanese, `\ISO 2022 IR 149` for Korean).
    /// Terms are kept as written; an empty first value is the default repertoire.
    case iso([String])
    /// Defined terms Huimin does not decode; text is read as Latin-1 so nothing is lost silently.
    case other(String)

    public init(definedTerms: [String]) {
        let terms = definedTerms.map { $0.trimmingSpaces().uppercased() }
        let first = terms.first ?? ""
        // UTF-8, GB18030 and GBK allow no code extensions (PS3.3 C.12.1.1.2): later values are noise.
        if terms.count > 1, !["ISO_IR 192", "GB18030", "GBK"].contains(first) {
            self = terms.allSatisfy { $0.isEmpty || ISORepertoire(term: $0) != nil } ? .iso(terms) : .other(terms.joined(separator: "\\"))
            return
        }
        switch first {
        case "", "ISO_IR 6", "ISO 2022 IR 6": self = .default
        case "ISO_IR 100", "ISO 2022 IR 100": self = .latin1
        case "ISO_IR 192": self = .utf8
        case "GB18030": self = .gb18030
        case "GBK": self = .gbk
        default: self = ISORepertoire(term: first) != nil ? .iso([first]) : .other(first)
        }
    }

    /// Decodes a value's bytes. Undecodable bytes become U+FFFD rather than failing the value.
    public func decode(_ bytes: [UInt8]) -> String {
        TextDecoder.decode(bytes, as: self)
    }
}
