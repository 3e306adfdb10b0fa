/// Turns text bytes into a String for a character set.
enum TextDecoder {
    static func decode(_ bytes: [UInt8], as characterSet: CharacterSet) -> String {
        switch characterSet {
        case .default, .utf8: String(decoding: bytes, as: UTF8.self)
        case .latin1, .other: String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        // TODO(parser): GB18030 and GBK through iconv.
        case .gb18030, .gbk: String(decoding: bytes, as: UTF8.self)
        }
    }
}
