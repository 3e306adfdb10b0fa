/// A character repertoire a Specific Character Set term names (PS3.3 Tables C.12-2 to C.12-5),
/// with the ISO 2022 escape sequence that designates it and the code element it occupies.
enum ISORepertoire: Equatable {
    /// 7-bit G0 sets, one byte a character.
    case ascii
    case jisRoman
    /// 7-bit G0 sets, two bytes a character: JIS X 0208 and JIS X 0212.
    case jis0208
    case jis0212
    /// 8-bit G1 sets: the upper half of an ISO 8859 part, half-width katakana (JIS X 0201), or a
    /// two-byte set whose EUC form iconv decodes (GB2312, KS X 1001).
    case latin1
    case upperHalf(iconv: String)
    case katakana
    case doubleByte(iconv: String)

    /// The repertoire of a defined term such as `ISO_IR 144` or `ISO 2022 IR 58`.
    init?(term: String) {
        guard let number = term.split(separator: " ").last, term.hasPrefix("ISO_IR ") || term.hasPrefix("ISO 2022 IR ") else {
            return nil
        }
        guard let repertoire = Self.byNumber[String(number)] else { return nil }
        self = repertoire
    }

    private static let byNumber: [String: ISORepertoire] = [
        "6": .ascii, "100": .latin1, "101": .upperHalf(iconv: "ISO-8859-2"), "109": .upperHalf(iconv: "ISO-8859-3"),
        "110": .upperHalf(iconv: "ISO-8859-4"), "144": .upperHalf(iconv: "ISO-8859-5"), "127": .upperHalf(iconv: "ISO-8859-6"),
        "126": .upperHalf(iconv: "ISO-8859-7"), "138": .upperHalf(iconv: "ISO-8859-8"), "148": .upperHalf(iconv: "ISO-8859-9"),
        "203": .upperHalf(iconv: "ISO-8859-15"), "166": .upperHalf(iconv: "TIS-620"), "13": .katakana, "14": .jisRoman,
        "87": .jis0208, "159": .jis0212, "149": .doubleByte(iconv: "EUC-KR"), "58": .doubleByte(iconv: "GB2312"),
    ]

    /// Escape sequences and the repertoire each designates (PS3.3 Tables C.12-3 and C.12-4).
    static let escapes: [([UInt8], ISORepertoire)] = [
        ([0x28, 0x42], .ascii), ([0x28, 0x4A], .jisRoman), ([0x29, 0x49], .katakana),
        ([0x24, 0x42], .jis0208), ([0x24, 0x28, 0x44], .jis0212),
        ([0x24, 0x29, 0x43], .doubleByte(iconv: "EUC-KR")), ([0x24, 0x29, 0x41], .doubleByte(iconv: "GB2312")),
        ([0x2D, 0x41], .latin1), ([0x2D, 0x42], .upperHalf(iconv: "ISO-8859-2")), ([0x2D, 0x43], .upperHalf(iconv: "ISO-8859-3")),
        ([0x2D, 0x44], .upperHalf(iconv: "ISO-8859-4")), ([0x2D, 0x4C], .upperHalf(iconv: "ISO-8859-5")),
        ([0x2D, 0x47], .upperHalf(iconv: "ISO-8859-6")), ([0x2D, 0x46], .upperHalf(iconv: "ISO-8859-7")),
        ([0x2D, 0x48], .upperHalf(iconv: "ISO-8859-8")), ([0x2D, 0x4D], .upperHalf(iconv: "ISO-8859-9")),
        ([0x2D, 0x62], .upperHalf(iconv: "ISO-8859-15")), ([0x2D, 0x54], .upperHalf(iconv: "TIS-620")),
    ]

    var isG0: Bool {
        switch self {
        case .ascii, .jisRoman, .jis0208, .jis0212: true
        default: false
        }
    }
}

/// Decodes text under ISO 2022 code extensions (PS3.5 §6.1.2.5): escape sequences designate the
/// repertoire of G0 (bytes below 0x80) and G1 (bytes from 0x80), and every delimiter of a value
/// or a person name component resets both to those of the first Specific Character Set value.
struct ISO2022Decoder {
    private let initialG0: ISORepertoire
    private let initialG1: ISORepertoire?

    init(terms: [String]) {
        let first = terms.first.flatMap { ISORepertoire(term: $0) } ?? .ascii
        // Half-width katakana in G1 comes with JIS X 0201 Romaji in G0 (PS3.3 C.12.1.1.2).
        initialG0 = first == .katakana ? .jisRoman : (first.isG0 ? first : .ascii)
        initialG1 = first.isG0 ? nil : first
    }

    func decode(_ bytes: [UInt8]) -> String {
        var text = Text()
        var g0 = initialG0, g1 = initialG1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x1B {
                let designated = ISORepertoire.escapes.first { bytes[(index + 1)...].starts(with: $0.0) }
                if let (sequence, repertoire) = designated {
                    if repertoire.isG0 { g0 = repertoire } else { g1 = repertoire }
                    index += 1 + sequence.count
                } else {
                    index += 1  // an escape Huimin does not know: drop it, keep the text
                }
                continue
            }
            if byte < 0x80 {
                switch g0 {
                case .jis0208, .jis0212:
                    // JIS X 0208/0212 bytes are EUC-JP with the high bit cleared.
                    let pair = index + 1 < bytes.count ? [byte | 0x80, bytes[index + 1] | 0x80] : [byte | 0x80]
                    text.append(g0 == .jis0212 ? [0x8F] + pair : pair, iconv: "EUC-JP")
                    index += pair.count
                    continue
                case .jisRoman where byte == 0x5C: text.append(scalar: "\u{A5}")
                case .jisRoman where byte == 0x7E: text.append(scalar: "\u{203E}")
                default: text.append(scalar: Unicode.Scalar(byte))
                }
                if Self.delimiters.contains(byte) {
                    g0 = initialG0
                    g1 = initialG1
                }
                index += 1
                continue
            }
            switch g1 {
            case .katakana? where (0xA1...0xDF).contains(byte):
                text.append(scalar: Unicode.Scalar(0xFF61 + UInt32(byte - 0xA1)) ?? "\u{FFFD}")
            case .upperHalf(let encoding)?: text.append([byte], iconv: encoding)
            case .doubleByte(let encoding)?:
                let end = min(index + 2, bytes.count)
                text.append(Array(bytes[index..<end]), iconv: encoding)
                index = end
                continue
            case .latin1?, nil: text.append(scalar: Unicode.Scalar(byte))
            default: text.append(scalar: "\u{FFFD}")
            }
            index += 1
        }
        return text.finish()
    }

    /// Value (`\`), person name (`^`, `=`) and text delimiters: CR, LF, FF, TAB.
    private static let delimiters: Set<UInt8> = [0x5C, 0x5E, 0x3D, 0x0D, 0x0A, 0x0C, 0x09]

    /// Collects the output, batching consecutive bytes for one iconv converter into a single call.
    private struct Text {
        private var result = ""
        private var pending: [UInt8] = []
        private var pendingEncoding = ""

        mutating func append(_ bytes: [UInt8], iconv encoding: String) {
            if encoding != pendingEncoding { flush() }
            pendingEncoding = encoding
            pending += bytes
        }

        mutating func append(scalar: Unicode.Scalar) {
            flush()
            result.unicodeScalars.append(scalar)
        }

        mutating func finish() -> String {
            flush()
            return result
        }

        private mutating func flush() {
            guard !pending.isEmpty else { return }
            result += Iconv.decode(pending[...], from: pendingEncoding)
            pending.removeAll(keepingCapacity: true)
        }
    }
}
