/// A JPEG stream's frame and first scan, read up to the scan's entropy-coded data (T.81 Annex B):
/// what the hand-written decoders (lossless, 12-bit DCT) need. Components must be unsampled
/// (H = V = 1), which is what DICOM writers produce for these processes.
struct JPEGScan {
    var process = JPEGFrameHeader.Process.baseline
    var precision = 0
    var rows = 0
    var columns = 0
    /// Per scan component, in scan order: Huffman tables and the quantization table (zig-zag order).
    var dcTables: [HuffmanTable] = []
    var acTables: [HuffmanTable] = []
    var quantization: [[Int32]] = []
    /// Ss: the predictor of a lossless scan.
    var selection = 0
    var pointTransform = 0
    var restartInterval = 0
    var dataStart = 0

    var components: Int { dcTables.count }

    init(_ bytes: [UInt8]) throws(RenderError) {
        var huffman: [Int: HuffmanTable] = [:]
        var quantizationTables: [Int: [Int32]] = [:]
        var frameComponents: [(id: UInt8, table: Int)] = []
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { throw .corrupt("JPEG stream without SOI marker") }
        var position = 2
        while position + 4 <= bytes.count {
            guard bytes[position] == 0xFF else { throw .corrupt("JPEG marker expected at byte \(position)") }
            let marker = bytes[position + 1]
            if marker == 0xFF { position += 1; continue }
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            let body = position + 4, end = position + 2 + length
            guard end <= bytes.count else { throw .corrupt("JPEG segment overruns the stream") }
            switch marker {
            case 0xC0, 0xC1, 0xC3:
                process = marker == 0xC3 ? .lossless : marker == 0xC1 ? .extended : .baseline
                precision = Int(bytes[body])
                rows = Int(bytes[body + 1]) << 8 | Int(bytes[body + 2])
                columns = Int(bytes[body + 3]) << 8 | Int(bytes[body + 4])
                let count = Int(bytes[body + 5])
                for component in 0..<count {
                    let entry = body + 6 + 3 * component
                    guard count == 1 || bytes[entry + 1] == 0x11 else { throw .unsupported("JPEG with subsampled components") }
                    frameComponents.append((bytes[entry], Int(bytes[entry + 2])))
                }
                guard (2...16).contains(precision), rows > 0, columns > 0 else {
                    throw .unsupported("JPEG \(columns)x\(rows) at \(precision) bits")
                }
            case 0xC2, 0xC5...0xC7, 0xC9...0xCB, 0xCD...0xCF:
                throw .unsupported("JPEG process marker FF\(String(marker, radix: 16, uppercase: true))")
            case 0xC4:
                var offset = body
                while offset + 17 <= end {
                    let key = Int(bytes[offset])
                    let counts = Array(bytes[offset + 1..<offset + 17])
                    let total = counts.reduce(0) { $0 + Int($1) }
                    guard offset + 17 + total <= end else { throw .corrupt("Huffman table overruns its segment") }
                    huffman[key] = try HuffmanTable(counts: counts, symbols: Array(bytes[offset + 17..<offset + 17 + total]))
                    offset += 17 + total
                }
            case 0xDB:
                var offset = body
                while offset < end {
                    let wide = bytes[offset] >> 4 == 1, id = Int(bytes[offset] & 0x0F)
                    let size = wide ? 129 : 65
                    guard offset + size <= end else { throw .corrupt("quantization table overruns its segment") }
                    quantizationTables[id] = (0..<64).map { index in
                        wide ? Int32(bytes[offset + 1 + 2 * index]) << 8 | Int32(bytes[offset + 2 + 2 * index]) : Int32(bytes[offset + 1 + index])
                    }
                    offset += size
                }
            case 0xDD:
                restartInterval = Int(bytes[body]) << 8 | Int(bytes[body + 1])
            case 0xDA:
                let count = Int(bytes[body])
                guard count == frameComponents.count, precision > 0 else {
                    throw .unsupported("JPEG scan with \(count) of \(frameComponents.count) components")
                }
                for index in 0..<count {
                    let selector = bytes[body + 1 + 2 * index], tables = Int(bytes[body + 2 + 2 * index])
                    guard let component = frameComponents.first(where: { $0.id == selector }),
                          let dc = huffman[tables >> 4] else { throw .corrupt("scan component \(selector) without its tables") }
                    dcTables.append(dc)
                    if process != .lossless {
                        guard let ac = huffman[0x10 | tables & 0x0F], let table = quantizationTables[component.table] else {
                            throw .corrupt("scan component \(selector) without its AC or quantization table")
                        }
                        acTables.append(ac)
                        quantization.append(table)
                    }
                }
                let parameters = body + 1 + 2 * count
                selection = Int(bytes[parameters])
                pointTransform = Int(bytes[parameters + 2] & 0x0F)
                dataStart = end
                return
            default:
                break
            }
            position = end
        }
        throw .corrupt("JPEG stream without a scan")
    }
}

/// A decoding table indexed by the next 16 bits of the stream: code length and symbol in one entry.
struct HuffmanTable {
    private var lookup: [UInt16]

    init(counts: [UInt8], symbols: [UInt8]) throws(RenderError) {
        lookup = [UInt16](repeating: 0, count: 1 << 16)
        var code = 0, symbol = 0
        for length in 1...16 {
            for _ in 0..<Int(counts[length - 1]) {
                let shift = 16 - length
                guard code < 1 << length else { throw .corrupt("Huffman table has too many codes") }
                let first = code << shift
                let entry = UInt16(length) << 8 | UInt16(symbols[symbol])
                for index in first..<first + (1 << shift) { lookup[index] = entry }
                code += 1
                symbol += 1
            }
            code <<= 1
        }
    }

    /// Length (0 when the bits match no code) and symbol for the 16 bits ahead.
    @inline(__always)
    func entry(_ peek: Int) -> (length: Int, symbol: Int) {
        let value = lookup[peek]
        return (Int(value >> 8), Int(value & 0xFF))
    }
}

/// Reads entropy-coded bits, undoing FF00 stuffing; at a marker it supplies zero bits.
struct EntropyReader {
    private let bytes: [UInt8]
    private var position: Int
    private var buffer: UInt64 = 0
    private var count = 0

    init(_ bytes: [UInt8], start: Int) {
        self.bytes = bytes
        position = start
    }

    @inline(__always)
    private mutating func fill() {
        while count <= 48 {
            var byte: UInt8 = 0
            if position < bytes.count {
                byte = bytes[position]
                if byte == 0xFF {
                    let next = position + 1 < bytes.count ? bytes[position + 1] : 0xD9
                    if next == 0x00 { position += 2 } else { byte = 0 }
                } else {
                    position += 1
                }
            }
            buffer |= UInt64(byte) << UInt64(56 - count)
            count += 8
        }
    }

    @inline(__always)
    private mutating func take(_ bits: Int) -> Int {
        let value = Int(buffer >> UInt64(64 - bits))
        buffer <<= UInt64(bits)
        count -= bits
        return value
    }

    /// The next Huffman-coded symbol.
    @inline(__always)
    mutating func symbol(_ table: HuffmanTable) throws(RenderError) -> Int {
        fill()
        let (length, symbol) = table.entry(Int(buffer >> 48))
        guard length > 0 else { throw .corrupt("invalid Huffman code") }
        _ = take(length)
        return symbol
    }

    /// A value of `category` bits: the next bits, with the T.81 F.2.2.1 EXTEND rule for negatives.
    @inline(__always)
    mutating func extended(_ category: Int) -> Int32 {
        if category == 0 { return 0 }
        fill()
        let bits = take(category)
        return Int32(bits < 1 << (category - 1) ? bits - (1 << category) + 1 : bits)
    }

    /// One lossless difference (T.81 H.1.2.2 and Table H.2; category 16 means 32768).
    @inline(__always)
    mutating func difference(_ table: HuffmanTable) throws(RenderError) -> Int32 {
        let category = try symbol(table)
        return category == 16 ? 32768 : extended(category)
    }

    /// Drops the rest of the interval's bits and steps over the RSTn marker.
    mutating func restart() throws(RenderError) {
        buffer = 0
        count = 0
        while position + 1 < bytes.count && !(bytes[position] == 0xFF && (0xD0...0xD7).contains(bytes[position + 1])) {
            position += 1
        }
        guard position + 1 < bytes.count else { throw .corrupt("restart marker missing") }
        position += 2
    }
}
