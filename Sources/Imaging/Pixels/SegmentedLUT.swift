/// Expands segmented palette colour LUT data (PS3.3 C.7.9.2): discrete segments list values,
/// linear segments ramp from the previous value, indirect segments replay earlier segments.
enum SegmentedLUT {
    static func expand(_ data: [UInt8], bigEndian: Bool, name: String) throws(RenderError) -> [Int32] {
        var words = [UInt16](repeating: 0, count: data.count / 2)
        for index in words.indices {
            let first = UInt16(data[2 * index]), second = UInt16(data[2 * index + 1])
            words[index] = bigEndian ? first << 8 | second : second << 8 | first
        }
        var values: [Int32] = []
        try expand(words, from: 0, to: words.count, into: &values, depth: 0, name: name)
        return values
    }

    private static func expand(_ words: [UInt16], from start: Int, to end: Int, into values: inout [Int32],
                               depth: Int, name: String) throws(RenderError) {
        // Indirect segments may point at indirect segments; a loop among them is a corrupt table.
        guard depth < 4 else { throw .invalid("\(name) segmented LUT nests indirect segments too deeply") }
        var position = start
        while position + 1 < end {
            let opcode = words[position], length = Int(words[position + 1])
            switch opcode {
            case 0:
                guard position + 2 + length <= end else { throw .invalid("\(name) discrete segment overruns the data") }
                values += words[position + 2..<position + 2 + length].map { Int32($0) }
                position += 2 + length
            case 1:
                guard position + 2 < end, let previous = values.last else { throw .invalid("\(name) linear segment without a start") }
                let target = Int32(words[position + 2])
                for step in 1...max(length, 1) where length > 0 {
                    values.append(previous + Int32((Double(target - previous) * Double(step) / Double(length)).rounded()))
                }
                position += 3
            case 2:
                guard position + 3 < end else { throw .invalid("\(name) indirect segment overruns the data") }
                let offset = Int(words[position + 2]) | Int(words[position + 3]) << 16
                var replay = offset
                for _ in 0..<length {
                    guard replay + 1 < words.count else { throw .invalid("\(name) indirect segment points past the data") }
                    let size = words[replay] == 0 ? 2 + Int(words[replay + 1]) : words[replay] == 1 ? 3 : 4
                    try expand(words, from: replay, to: min(replay + size, words.count), into: &values, depth: depth + 1, name: name)
                    replay += size
                }
                position += 4
            default:
                throw .invalid("\(name) segmented LUT has opcode \(opcode)")
            }
        }
    }
}
