import CJPEG
import Glibc

/// A baseline RGB JPEG (4:2:0, standard Huffman tables) with a restart marker after every MCU,
/// taken apart MCU by MCU. The markers make each 16 × 16 MCU's entropy-coded bytes stand alone
/// (DC prediction restarts, bytes are aligned), so MCUs of encodings with the same size and
/// quality can be spliced into one valid JPEG, and unchanged parts of an image need not be
/// encoded again.
struct RestartJPEG: Sendable {
    static let mcuSize = 16

    /// Everything before the entropy-coded data: SOI, tables, frame, restart interval, scan header.
    let header: ArraySlice<UInt8>
    /// Each MCU's bytes in raster order, without the restart markers.
    let mcus: [ArraySlice<UInt8>]

    init(_ raster: Raster, quality: Int) throws(RenderError) {
        precondition(raster.channels == 3, "a restart-marked JPEG is encoded from RGB")
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: 200)
        let status = raster.pixels.withUnsafeBufferPointer { pixels in
            cjpeg_encode_rgb(pixels.baseAddress, Int32(raster.width), Int32(raster.height), Int32(quality), 1,
                             &output, &size, &message, message.count)
        }
        guard status == 0, let output else {
            throw .unsupported("JPEG encoding failed: \(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
        }
        defer { free(output) }
        let bytes = Array(UnsafeBufferPointer(start: output, count: Int(size)))
        let expected = Self.mcuCount(width: raster.width, height: raster.height)
        guard let entropy = Self.entropyStart(bytes) else { throw .corrupt("libjpeg wrote no scan") }
        header = bytes[..<entropy]
        mcus = Self.split(bytes, from: entropy)
        guard mcus.count == expected else { throw .corrupt("libjpeg wrote \(mcus.count) restart intervals for \(expected) MCUs") }
    }

    static func mcuCount(width: Int, height: Int) -> Int {
        ((width + mcuSize - 1) / mcuSize) * ((height + mcuSize - 1) / mcuSize)
    }

    /// The JPEG of `header` and one entry of `mcus` per MCU, restart markers put back between them.
    static func assemble(header: ArraySlice<UInt8>, mcus: [ArraySlice<UInt8>]) -> [UInt8] {
        var jpeg = [UInt8]()
        jpeg.reserveCapacity(header.count + mcus.reduce(0) { $0 + $1.count } + 2 * mcus.count + 2)
        jpeg.append(contentsOf: header)
        for (index, mcu) in mcus.enumerated() {
            jpeg.append(contentsOf: mcu)
            if index < mcus.count - 1 { jpeg.append(contentsOf: [0xFF, 0xD0 + UInt8(index % 8)]) }
        }
        jpeg.append(contentsOf: [0xFF, 0xD9])
        return jpeg
    }

    /// The offset just after the SOS segment.
    private static func entropyStart(_ bytes: [UInt8]) -> Int? {
        var index = 2
        while index + 3 < bytes.count, bytes[index] == 0xFF {
            let marker = bytes[index + 1], length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            index += 2 + length
            if marker == 0xDA { return index }
        }
        return nil
    }

    /// The entropy-coded data cut at RSTn and EOI markers. 0xFF 0x00 is a stuffed data byte.
    private static func split(_ bytes: [UInt8], from start: Int) -> [ArraySlice<UInt8>] {
        var ranges: [Range<Int>] = []
        bytes.withUnsafeBufferPointer { bytes in
            var first = start, index = start
            while index + 1 < bytes.count {
                guard bytes[index] == 0xFF else { index += 1; continue }
                let next = bytes[index + 1]
                if next == 0xD9 || (0xD0...0xD7).contains(next) {
                    ranges.append(first..<index)
                    if next == 0xD9 { return }
                    first = index + 2
                }
                index += 2
            }
        }
        return ranges.map { bytes[$0] }
    }
}
