#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sequential DCT JPEG with Huffman coding at 12 bits (process 4, JPEG Extended), which libjpeg-turbo
/// 2.1 cannot decode: Huffman-coded coefficients, dequantization, an 8x8 inverse DCT and the level
/// shift (T.81 Annex A.3, F.2). Greyscale streams only, the form DICOM's 12-bit JPEG takes.
enum JPEGExtendedDecoder {
    static func decode(_ frame: [UInt8], _ image: ImageDescription) throws(RenderError) -> DecodedFrame {
        let scan = try JPEGScan(frame)
        guard scan.process != .lossless, scan.components == 1 else {
            throw .unsupported("\(scan.precision)-bit DCT JPEG with \(scan.components) components")
        }
        let blocksAcross = (scan.columns + 7) / 8, blocksDown = (scan.rows + 7) / 8
        var samples = [Int32](repeating: 0, count: scan.columns * scan.rows)
        var reader = EntropyReader(frame, start: scan.dataStart)
        var coefficients = [Float](repeating: 0, count: 64)
        var block = [Float](repeating: 0, count: 64)
        let quantization = scan.quantization[0].map(Float.init)
        let centre = Float(1 << (scan.precision - 1)), top = Int32((1 << scan.precision) - 1)
        var predictor: Int32 = 0
        var untilRestart = scan.restartInterval
        for blockRow in 0..<blocksDown {
            for blockColumn in 0..<blocksAcross {
                if scan.restartInterval > 0 {
                    if untilRestart == 0 {
                        try reader.restart()
                        predictor = 0
                        untilRestart = scan.restartInterval
                    }
                    untilRestart -= 1
                }
                for index in 0..<64 { coefficients[index] = 0 }
                predictor += reader.extended(try reader.symbol(scan.dcTables[0]))
                coefficients[0] = Float(predictor) * quantization[0]
                var position = 1
                while position < 64 {
                    let runSize = try reader.symbol(scan.acTables[0])
                    let run = runSize >> 4, size = runSize & 0x0F
                    if size == 0 {
                        if run != 15 { break }
                        position += 16
                        continue
                    }
                    position += run
                    guard position < 64 else { throw .corrupt("JPEG AC coefficients run past the block") }
                    coefficients[zigzag[position]] = Float(reader.extended(size)) * quantization[position]
                    position += 1
                }
                inverseDCT(coefficients, into: &block)
                for y in 0..<8 where blockRow * 8 + y < scan.rows {
                    for x in 0..<8 where blockColumn * 8 + x < scan.columns {
                        let value = Int32((block[y * 8 + x] + centre).rounded())
                        samples[(blockRow * 8 + y) * scan.columns + blockColumn * 8 + x] = min(max(value, 0), top)
                    }
                }
            }
        }
        normalizeStoredValues(&samples, bitsStored: image.bitsStored, signed: image.isSigned)
        return DecodedFrame(columns: scan.columns, rows: scan.rows, samplesPerPixel: 1, photometric: image.photometric, samples: samples)
    }

    /// Natural (row-major) position of each zig-zag index (T.81 Figure A.6).
    private static let zigzag: [Int] = [
        0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
        35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
    ]

    /// cos((2x + 1)uπ / 16) scaled by C(u)/2, indexed [u * 8 + x].
    private static let basis: [Float] = (0..<64).map { index in
        let u = index / 8, x = index % 8
        let scale: Float = u == 0 ? 0.5 / Float(2).squareRoot() : 0.5
        return scale * Float(cos(Double((2 * x + 1) * u) * Double.pi / 16))
    }

    /// The separable 2-D inverse DCT: rows, then columns.
    private static func inverseDCT(_ input: [Float], into output: inout [Float]) {
        var rows = [Float](repeating: 0, count: 64)
        for y in 0..<8 {
            for x in 0..<8 {
                var sum: Float = 0
                for u in 0..<8 { sum += basis[u * 8 + x] * input[y * 8 + u] }
                rows[y * 8 + x] = sum
            }
        }
        for x in 0..<8 {
            for y in 0..<8 {
                var sum: Float = 0
                for v in 0..<8 { sum += basis[v * 8 + y] * rows[v * 8 + x] }
                output[y * 8 + x] = sum
            }
        }
    }
}
