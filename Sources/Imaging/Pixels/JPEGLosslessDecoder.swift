/// JPEG Lossless, process 14 (ITU-T T.81 Annex H): Huffman-coded differences from one of seven
/// predictors, 2 to 16 bits, with an optional point transform. Components must be unsampled
/// (H = V = 1), which is what DICOM writers produce.
enum JPEGLosslessDecoder {
    static func decode(_ frame: [UInt8], _ image: ImageDescription) throws(RenderError) -> DecodedFrame {
        var parser = LosslessStream(frame)
        let scan = try parser.readUpToScan()
        var samples = try decodeScan(frame, scan)
        normalizeStoredValues(&samples, bitsStored: image.bitsStored, signed: image.isSigned)
        return DecodedFrame(columns: scan.columns, rows: scan.rows, samplesPerPixel: scan.components,
                            photometric: image.photometric, samples: samples)
    }

    private static func decodeScan(_ stream: [UInt8], _ scan: LosslessScan) throws(RenderError) -> [Int32] {
        let width = scan.columns, height = scan.rows, components = scan.components
        let rowLength = width * components
        var output = [Int32](repeating: 0, count: rowLength * height)
        var reader = EntropyReader(stream, start: scan.dataStart)
        let initial = Int32(1) << Int32(scan.precision - scan.pointTransform - 1)
        let modulo = Int32(0xFFFF)
        var firstRowOfInterval = 0
        var mcusLeft = scan.restartInterval
        try output.withUnsafeMutableBufferPointer { (out: inout UnsafeMutableBufferPointer<Int32>) throws(RenderError) in
            for row in 0..<height {
                for column in 0..<width {
                    if scan.restartInterval > 0 {
                        if mcusLeft == 0 {
                            try reader.restart()
                            mcusLeft = scan.restartInterval
                            firstRowOfInterval = row
                        }
                        mcusLeft -= 1
                    }
                    for component in 0..<components {
                        let index = row * rowLength + column * components + component
                        let difference = try reader.difference(scan.tables[component])
                        let prediction: Int32
                        if row == firstRowOfInterval {
                            // The first line predicts from the left; its first sample from mid-range.
                            prediction = column == 0 ? initial : out[index - components]
                        } else if column == 0 {
                            prediction = out[index - rowLength]
                        } else {
                            let a = out[index - components], b = out[index - rowLength], c = out[index - rowLength - components]
                            switch scan.predictor {
                            case 1: prediction = a
                            case 2: prediction = b
                            case 3: prediction = c
                            case 4: prediction = a + b - c
                            case 5: prediction = a + ((b - c) >> 1)
                            case 6: prediction = b + ((a - c) >> 1)
                            default: prediction = (a + b) >> 1
                            }
                        }
                        out[index] = (prediction + difference) & modulo
                    }
                }
            }
            if scan.pointTransform > 0 {
                let shift = Int32(scan.pointTransform)
                for index in out.indices { out[index] <<= shift }
            }
        }
        return output
    }
}

/// The frame and scan parameters a lossless scan needs.
struct LosslessScan {
    var precision = 0
    var rows = 0
    var columns = 0
    var components = 0
    var predictor = 1
    var pointTransform = 0
    var restartInterval = 0
    /// The DC Huffman table of each scan component, in scan order.
    var tables: [HuffmanTable] = []
    var dataStart = 0
}

/// Marker segments of a lossless JPEG stream up to the first scan's entropy-coded data.
struct LosslessStream {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func readUpToScan() throws(RenderError) -> LosslessScan {
        var scan = LosslessScan()
        var huffman: [Int: HuffmanTable] = [:]
        var componentIDs: [UInt8] = []
        var position = 2
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { throw .corrupt("JPEG stream without SOI marker") }
        while position + 4 <= bytes.count {
            guard bytes[position] == 0xFF else { throw .corrupt("JPEG marker expected at byte \(position)") }
            let marker = bytes[position + 1]
            if marker == 0xFF { position += 1; continue }
            let length = Int(bytes[position + 2]) << 8 | Int(bytes[position + 3])
            let body = position + 4, end = position + 2 + length
            guard end <= bytes.count else { throw .corrupt("JPEG segment overruns the stream") }
            switch marker {
            case 0xC3:
                scan.precision = Int(bytes[body])
                scan.rows = Int(bytes[body + 1]) << 8 | Int(bytes[body + 2])
                scan.columns = Int(bytes[body + 3]) << 8 | Int(bytes[body + 4])
                let count = Int(bytes[body + 5])
                for component in 0..<count {
                    let entry = body + 6 + 3 * component
                    guard bytes[entry + 1] == 0x11 else { throw .unsupported("lossless JPEG with subsampled components") }
                    componentIDs.append(bytes[entry])
                }
                guard (2...16).contains(scan.precision), scan.rows > 0, scan.columns > 0 else {
                    throw .unsupported("lossless JPEG \(scan.columns)x\(scan.rows) at \(scan.precision) bits")
                }
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                throw .unsupported("JPEG process marker FF\(String(marker, radix: 16, uppercase: true)) in a lossless syntax")
            case 0xC4:
                var offset = body
                while offset < end {
                    let id = Int(bytes[offset] & 0x0F)
                    let counts = Array(bytes[offset + 1..<offset + 17])
                    let total = counts.reduce(0) { $0 + Int($1) }
                    guard offset + 17 + total <= end else { throw .corrupt("Huffman table overruns its segment") }
                    huffman[id] = try HuffmanTable(counts: counts, symbols: Array(bytes[offset + 17..<offset + 17 + total]))
                    offset += 17 + total
                }
            case 0xDD:
                scan.restartInterval = Int(bytes[body]) << 8 | Int(bytes[body + 1])
            case 0xDA:
                let count = Int(bytes[body])
                guard count == componentIDs.count else { throw .unsupported("lossless JPEG with \(count) of \(componentIDs.count) components in a scan") }
                for component in 0..<count {
                    let tableID = Int(bytes[body + 2 + 2 * component] >> 4)
                    guard let table = huffman[tableID] else { throw .corrupt("scan uses undefined Huffman table \(tableID)") }
                    scan.tables.append(table)
                }
                let parameters = body + 1 + 2 * count
                scan.predictor = Int(bytes[parameters])
                scan.pointTransform = Int(bytes[parameters + 2] & 0x0F)
                scan.components = count
                scan.dataStart = end
                guard (1...7).contains(scan.predictor) else { throw .corrupt("lossless predictor \(scan.predictor)") }
                guard scan.precision > 0 else { throw .corrupt("scan before the lossless frame header") }
                return scan
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

    /// One Huffman-coded difference (T.81 H.1.2.2 and Table H.2; category 16 means 32768).
    @inline(__always)
    mutating func difference(_ table: HuffmanTable) throws(RenderError) -> Int32 {
        fill()
        let (length, category) = table.entry(Int(buffer >> 48))
        guard length > 0 else { throw .corrupt("invalid Huffman code") }
        _ = take(length)
        if category == 0 { return 0 }
        if category == 16 { return 32768 }
        fill()
        let bits = take(category)
        return Int32(bits < 1 << (category - 1) ? bits - (1 << category) + 1 : bits)
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
