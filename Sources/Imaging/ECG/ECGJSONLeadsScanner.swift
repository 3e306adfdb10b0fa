/// Reads the `leads` object of a JSON ECG straight from the bytes: 12 leads of 10 s at 500 Hz are
/// 60,000 numbers, and Foundation's JSONDecoder spent half an ingest on them. Anything but plain
/// `"name": [number, …]` members gives nil, and the caller falls back to JSONDecoder, whose
/// errors name the field that is wrong.
enum ECGJSONLeadsScanner {
    /// The document with the `leads` value replaced by `{}`, and the leads read from it.
    static func split(_ bytes: [UInt8]) -> (rest: [UInt8], leads: [String: [Double]])? {
        guard let span = topLevelValue(named: Array("leads".utf8), in: bytes), bytes[span.lowerBound] == UInt8(ascii: "{"),
              let leads = parseLeads(bytes[span]) else { return nil }
        return (Array(bytes[..<span.lowerBound]) + Array("{}".utf8) + Array(bytes[span.upperBound...]), leads)
    }

    /// The byte range of a top-level member's value, found by walking strings and nesting.
    private static func topLevelValue(named key: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
        var depth = 0
        var index = 0
        var valueStart: Int?
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let start = index + 1
                guard let end = stringEnd(bytes[...], from: start) else { return nil }
                if depth == 1, valueStart == nil, bytes[start..<end].elementsEqual(key) {
                    var colon = end + 1
                    while colon < bytes.count, isSpace(bytes[colon]) { colon += 1 }
                    guard colon < bytes.count, bytes[colon] == UInt8(ascii: ":") else { return nil }
                    var value = colon + 1
                    while value < bytes.count, isSpace(bytes[value]) { value += 1 }
                    valueStart = value
                    index = value
                    continue
                }
                index = end + 1
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 1, let start = valueStart { return start..<(index + 1) }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    private static func parseLeads(_ object: ArraySlice<UInt8>) -> [String: [Double]]? {
        var leads: [String: [Double]] = [:]
        var index = object.startIndex + 1
        func skipSpace() { while index < object.endIndex, isSpace(object[index]) { index += 1 } }
        skipSpace()
        if index < object.endIndex, object[index] == UInt8(ascii: "}") { return leads }
        while index < object.endIndex {
            skipSpace()
            guard index < object.endIndex, object[index] == UInt8(ascii: "\"") else { return nil }
            let nameStart = index + 1
            guard let nameEnd = stringEnd(object, from: nameStart),
                  !object[nameStart..<nameEnd].contains(UInt8(ascii: "\\")) else { return nil }
            let name = String(decoding: object[nameStart..<nameEnd], as: UTF8.self)
            index = nameEnd + 1
            skipSpace()
            guard index < object.endIndex, object[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            guard index < object.endIndex, object[index] == UInt8(ascii: "[") else { return nil }
            index += 1
            var samples: [Double] = []
            samples.reserveCapacity(8192)
            skipSpace()
            if index < object.endIndex, object[index] == UInt8(ascii: "]") {
                index += 1
            } else {
                while true {
                    skipSpace()
                    guard let (value, next) = number(object, at: index) else { return nil }
                    samples.append(value)
                    index = next
                    skipSpace()
                    guard index < object.endIndex else { return nil }
                    if object[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard object[index] == UInt8(ascii: "]") else { return nil }
                    index += 1
                    break
                }
            }
            guard leads.updateValue(samples, forKey: name) == nil else { return nil }
            skipSpace()
            guard index < object.endIndex else { return nil }
            if object[index] == UInt8(ascii: ",") { index += 1; continue }
            return object[index] == UInt8(ascii: "}") ? leads : nil
        }
        return nil
    }

    /// An integer read digit by digit; a number with a fraction or exponent goes through Double().
    private static func number(_ bytes: ArraySlice<UInt8>, at start: Int) -> (Double, Int)? {
        var index = start
        var negative = false
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        var value = 0
        let digitsStart = index
        while index < bytes.endIndex, bytes[index] >= 48, bytes[index] <= 57, index - digitsStart < 15 {
            value = value * 10 + Int(bytes[index] - 48)
            index += 1
        }
        guard index > digitsStart else { return nil }
        // Compared one by one rather than through an array built for every sample.
        if index < bytes.endIndex, case let byte = bytes[index],
           byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || (byte >= 48 && byte <= 57) {
            var end = index
            while end < bytes.endIndex, !isSpace(bytes[end]), bytes[end] != UInt8(ascii: ","), bytes[end] != UInt8(ascii: "]") { end += 1 }
            guard let parsed = Double(String(decoding: bytes[start..<end], as: UTF8.self)), parsed.isFinite else { return nil }
            return (parsed, end)
        }
        return (Double(negative ? -value : value), index)
    }

    /// Where the string starting at `start` (just past its opening quote) ends. A slice, so that
    /// no caller copies the document to look for a quote.
    private static func stringEnd(_ bytes: ArraySlice<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < bytes.endIndex {
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
