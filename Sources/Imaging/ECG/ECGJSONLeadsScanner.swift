/// Reads the `leads` object of a JSON ECG straight from the bytes: 12 leads of 10 s at 500 Hz are
/// 60,000 numbers, and Foundation's JSONDecoder spent half an ingest on them. Anything but plain
/// `"name": [number, …]` members gives nil, and the caller falls back to JSONDecoder, whose
/// errors name the field that is wrong.
enum ECGJSONLeadsScanner {
    /// The document with the `leads` value replaced by `{}`, and the leads read from it.
    static func split(_ bytes: [UInt8]) -> (rest: [UInt8], leads: [String: ScannedSamples])? {
        // Through a buffer pointer: an array or slice subscript checks bounds and ownership on
        // every one of the document's bytes.
        bytes.withUnsafeBufferPointer { buffer in
            guard let start = topLevelValue(named: Array("leads".utf8), in: buffer), buffer[start] == UInt8(ascii: "{"),
                  let (leads, end) = parseLeads(buffer, from: start) else { return nil }
            return (Array(buffer[..<start]) + Array("{}".utf8) + Array(buffer[end...]), leads)
        }
    }

    /// Where a top-level member's value starts, found by walking strings and nesting up to it.
    private static func topLevelValue(named key: [UInt8], in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var depth = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let start = index + 1
                guard let end = stringEnd(bytes, from: start, before: bytes.count) else { return nil }
                if depth == 1, bytes[start..<end].elementsEqual(key) {
                    var colon = end + 1
                    while colon < bytes.count, isSpace(bytes[colon]) { colon += 1 }
                    guard colon < bytes.count, bytes[colon] == UInt8(ascii: ":") else { return nil }
                    var value = colon + 1
                    while value < bytes.count, isSpace(bytes[value]) { value += 1 }
                    return value < bytes.count ? value : nil
                }
                index = end + 1
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// The leads object starting at `start`, and the index just past its closing brace.
    private static func parseLeads(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> ([String: ScannedSamples], Int)? {
        var leads: [String: ScannedSamples] = [:]
        let end = bytes.count
        var index = start + 1
        func skipSpace() { while index < end, isSpace(bytes[index]) { index += 1 } }
        skipSpace()
        if index < end, bytes[index] == UInt8(ascii: "}") { return (leads, index + 1) }
        while index < end {
            skipSpace()
            guard index < end, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let nameStart = index + 1
            guard let nameEnd = stringEnd(bytes, from: nameStart, before: end),
                  !bytes[nameStart..<nameEnd].contains(UInt8(ascii: "\\")) else { return nil }
            let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
            index = nameEnd + 1
            skipSpace()
            guard index < end, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            guard index < end, bytes[index] == UInt8(ascii: "[") else { return nil }
            index += 1
            // Whole numbers until a fraction or exponent turns up; then the lead is kept as reals.
            var whole: [Int32] = []
            whole.reserveCapacity(8192)
            var real: [Double]?
            skipSpace()
            if index < end, bytes[index] == UInt8(ascii: "]") {
                index += 1
            } else {
                while true {
                    skipSpace()
                    guard let number = number(bytes, at: index, before: end) else { return nil }
                    if real == nil, let value = number.whole {
                        whole.append(value)
                    } else {
                        if real == nil {
                            real = whole.map(Double.init)
                            real!.reserveCapacity(whole.capacity)
                        }
                        real!.append(number.real)
                    }
                    index = number.next
                    skipSpace()
                    guard index < end else { return nil }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "]") else { return nil }
                    index += 1
                    break
                }
            }
            guard leads.updateValue(real.map(ScannedSamples.real) ?? .whole(whole), forKey: name) == nil else { return nil }
            skipSpace()
            guard index < end else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            return bytes[index] == UInt8(ascii: "}") ? (leads, index + 1) : nil
        }
        return nil
    }

    /// A number: an integer is read digit by digit (and kept whole when it fits a sample), one
    /// with a fraction or exponent goes through Double().
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, before end: Int)
        -> (whole: Int32?, real: Double, next: Int)? {
        var index = start
        var negative = false
        if index < end, bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        var value = 0
        let digitsStart = index
        while index < end, bytes[index] >= 48, bytes[index] <= 57, index - digitsStart < 15 {
            value = value * 10 + Int(bytes[index] - 48)
            index += 1
        }
        guard index > digitsStart else { return nil }
        // Compared one by one rather than through an array built for every sample.
        if index < end, case let byte = bytes[index],
           byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || (byte >= 48 && byte <= 57) {
            var last = index
            while last < end, !isSpace(bytes[last]), bytes[last] != UInt8(ascii: ","), bytes[last] != UInt8(ascii: "]") { last += 1 }
            guard let parsed = Double(String(decoding: bytes[start..<last], as: UTF8.self)), parsed.isFinite else { return nil }
            return (nil, parsed, last)
        }
        if negative { value = -value }
        // Int32.min stays out, as the reader's range check keeps it out of a lead sent as reals.
        return (value < Int(Int32.max) && value > -Int(Int32.max) ? Int32(value) : nil, Double(value), index)
    }

    /// Where the string starting at `start` (just past its opening quote) ends.
    private static func stringEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, before end: Int) -> Int? {
        var index = start
        while index < end {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index
            default: index += 1
            }
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
}

/// A lead's numbers as the scanner found them. Whole numbers are kept as samples, so a lead in
/// microvolts (the usual case) needs no conversion.
enum ScannedSamples {
    case whole([Int32])
    case real([Double])
}
