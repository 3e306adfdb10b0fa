import CZlib

extension QRMatrix {
    /// A PNG image: 8-bit grayscale, black modules on white with a quiet zone.
    /// - Parameters:
    ///   - scale: pixels per module.
    ///   - margin: quiet zone in modules; the QR standard asks for 4.
    public func png(scale: Int = 8, margin: Int = 4) throws(QREncodingError) -> [UInt8] {
        let unit = max(1, scale)
        let quiet = max(0, margin)
        let side = (size + 2 * quiet) * unit
        var raw: [UInt8] = []
        raw.reserveCapacity((side + 1) * side)
        for pixelY in 0..<side {
            raw.append(0) // filter type None: QR images are flat, real filters gain nothing.
            let y = pixelY / unit - quiet
            for pixelX in 0..<side {
                raw.append(isDark(x: pixelX / unit - quiet, y: y) ? 0x00 : 0xFF)
            }
        }
        var header: [UInt8] = []
        PNGChunk.appendU32(&header, UInt32(side))
        PNGChunk.appendU32(&header, UInt32(side))
        header += [8, 0, 0, 0, 0] // bit depth 8, grayscale, deflate, adaptive filtering, no interlace
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        PNGChunk.append(&out, type: "IHDR", data: header)
        PNGChunk.append(&out, type: "IDAT", data: try PNGChunk.deflate(raw))
        PNGChunk.append(&out, type: "IEND", data: [])
        return out
    }
}

/// PNG's chunk framing (length, type, data, CRC-32 of type and data) and zlib compression.
enum PNGChunk {
    static func append(_ out: inout [UInt8], type: String, data: [UInt8]) {
        let typeAndData = Array(type.utf8) + data
        appendU32(&out, UInt32(data.count))
        out += typeAndData
        let crc = typeAndData.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        appendU32(&out, UInt32(truncatingIfNeeded: crc))
    }

    static func appendU32(_ out: inout [UInt8], _ value: UInt32) {
        out += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    /// A zlib stream, which is exactly what IDAT holds.
    static func deflate(_ input: [UInt8]) throws(QREncodingError) -> [UInt8] {
        var capacity = compressBound(uLong(input.count))
        var output = [UInt8](repeating: 0, count: Int(capacity))
        let status = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                compress2(destination.baseAddress, &capacity, source.baseAddress, uLong(source.count), Z_BEST_COMPRESSION)
            }
        }
        guard status == Z_OK else { throw QREncodingError(reason: "the image could not be compressed") }
        return Array(output.prefix(Int(capacity)))
    }
}
