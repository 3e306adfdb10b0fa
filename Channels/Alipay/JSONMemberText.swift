/// Finds the raw text of a top-level member's value in a JSON object, byte for byte as sent.
/// Alipay's response signature covers that exact text, so decoding and re-encoding would break it.
enum JSONMemberText {
    static func value(of name: String, in json: [UInt8]) -> [UInt8]? {
        var scanner = Scanner(bytes: json)
        scanner.skipWhitespace()
        guard scanner.consume(UInt8(ascii: "{")) else { return nil }
        while true {
            scanner.skipWhitespace()
            guard let keyRange = scanner.string() else { return nil }
            scanner.skipWhitespace()
            guard scanner.consume(UInt8(ascii: ":")) else { return nil }
            scanner.skipWhitespace()
            let start = scanner.position
            guard scanner.skipValue() else { return nil }
            // Keys Alipay uses are plain ASCII, so comparing the raw key bytes is enough.
            if Array(json[keyRange]) == Array("\"\(name)\"".utf8) {
                return Array(json[start..<scanner.position])
            }
            scanner.skipWhitespace()
            guard scanner.consume(UInt8(ascii: ",")) else { return nil }
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let b = current, b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { position += 1 }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard current == byte else { return false }
            position += 1
            return true
        }

        /// A string including its quotes; returns its byte range.
        mutating func string() -> Range<Int>? {
            let start = position
            guard consume(UInt8(ascii: "\"")) else { return nil }
            while let b = current {
                position += 1
                if b == UInt8(ascii: "\\") {
                    position += 1
                } else if b == UInt8(ascii: "\"") {
                    return start..<position
                }
            }
            return nil
        }

        /// Skips one value: strings honour escapes, objects and arrays nest, scalars run to a delimiter.
        mutating func skipValue() -> Bool {
            guard let first = current else { return false }
            if first == UInt8(ascii: "\"") { return string() != nil }
            if first != UInt8(ascii: "{") && first != UInt8(ascii: "[") {
                while let b = current, b != UInt8(ascii: ","), b != UInt8(ascii: "}"), b != UInt8(ascii: "]") {
                    position += 1
                }
                return true
            }
            var depth = 0
            while let b = current {
                if b == UInt8(ascii: "\"") {
                    guard string() != nil else { return false }
                    continue
                }
                position += 1
                if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") { depth += 1 }
                if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return true }
                }
            }
            return false
        }
    }
}
