/// The Specific Character Set (0008,0005) of a data set, as far as decoding text needs it.
/// Chinese hospitals send GB18030, GBK and UTF-8 (`ISO_IR 192`); absent means the default repertoire.
public enum CharacterSet: Sendable, Equatable {
    case `default`
    case latin1
    case utf8
    case gb18030
    case gbk
    /// Defined terms Huimin does not decode; text is read as Latin-1 so nothing is lost silently.
    case other(String)

    /// The first value names the character set; later values (code extensions) are not supported yet.
    public init(definedTerms: [String]) {
        let term = (definedTerms.first { !$0.isEmpty } ?? definedTerms.last ?? "").uppercased()
        switch term {
        case "", "ISO_IR 6", "ISO 2022 IR 6": self = .default
        case "ISO_IR 100", "ISO 2022 IR 100": self = .latin1
        case "ISO_IR 192": self = .utf8
        case "GB18030": self = .gb18030
        case "GBK": self = .gbk
        default: self = .other(term)
        }
    }

    /// Decodes a value's bytes. Filled in by the parser's character-set decoder.
    public func decode(_ bytes: [UInt8]) -> String {
        TextDecoder.decode(bytes, as: self)
    }
}
