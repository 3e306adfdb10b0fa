/// Turns text bytes into a String for a character set.
enum TextDecoder {
    static func decode(_ bytes: [UInt8], as characterSet: CharacterSet) -> String {
        switch characterSet {
        case .default: decodeUnlabelled(bytes)
        case .utf8: String(decoding: bytes, as: UTF8.self)
        case .latin1, .other: latin1(bytes)
        case .gb18030: Iconv.decode(bytes[...], from: "GB18030")
        case .gbk: Iconv.decode(bytes[...], from: "GBK")
        case .iso(let terms): ISO2022Decoder(terms: terms).decode(bytes)
        }
    }

    /// The default repertoire is ASCII, but Chinese systems often send UTF-8 or GB18030 without
    /// saying so: valid UTF-8 reads as UTF-8, anything else as GB18030 (which decodes every
    /// GBK and GB2312 text too).
    private static func decodeUnlabelled(_ bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        let invalidUTF8 = transcode(bytes.makeIterator(), from: UTF8.self, to: UTF32.self, stoppingOnError: true) { _ in }
        return invalidUTF8 ? Iconv.decode(bytes[...], from: "GB18030") : String(decoding: bytes, as: UTF8.self)
    }

    static func latin1(_ bytes: some Collection<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}
