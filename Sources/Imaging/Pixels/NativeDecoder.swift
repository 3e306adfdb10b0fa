/// Uncompressed pixel data (PS3.5 8.1): 1, 8, 16 or 32-bit cells in either byte order.
enum NativeDecoder {
    static func decode(_ frame: ArraySlice<UInt8>, _ image: ImageDescription, bigEndian: Bool) throws(RenderError) -> DecodedFrame {
        let chroma422 = image.photometric == .ybrFull422
        let count = image.pixelCount * (chroma422 ? 2 : image.samplesPerPixel)
        guard (count * image.bitsAllocated + 7) / 8 <= frame.count else {
            throw .invalid("frame holds \(frame.count) bytes, needs \(count * image.bitsAllocated / 8)")
        }
        // Stored bits are masked, and sign-extended when signed, as the cells are read.
        let shift = Int32(32 - image.bitsStored)
        let signed = image.isSigned
        var samples = [Int32](unsafeUninitializedCapacity: count) { out, initialized in
            frame.withUnsafeBufferPointer { bytes in
                switch image.bitsAllocated {
                case 1:
                    for index in 0..<count { out[index] = Int32(bytes[index >> 3] >> (index & 7) & 1) }
                case 8:
                    let mask = Int32((1 << image.bitsStored) - 1)
                    for index in 0..<count {
                        out[index] = signed ? (Int32(bytes[index]) << shift) >> shift : Int32(bytes[index]) & mask
                    }
                case 16:
                    let (high, low) = bigEndian ? (0, 1) : (1, 0)
                    if signed {
                        for index in 0..<count {
                            out[index] = (Int32(UInt16(bytes[2 * index + high]) << 8 | UInt16(bytes[2 * index + low])) << shift) >> shift
                        }
                    } else if !bigEndian {
                        // The common case (little-endian unsigned) reads whole words, which vectorizes.
                        let mask = UInt16(truncatingIfNeeded: (1 << image.bitsStored) - 1)
                        let raw = UnsafeRawBufferPointer(bytes)
                        for index in 0..<count {
                            out[index] = Int32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self)) & mask)
                        }
                    } else {
                        let mask = UInt16(truncatingIfNeeded: (1 << image.bitsStored) - 1)
                        for index in 0..<count {
                            out[index] = Int32((UInt16(bytes[2 * index + high]) << 8 | UInt16(bytes[2 * index + low])) & mask)
                        }
                    }
                default:
                    for index in 0..<count {
                        var word: UInt32 = 0
                        for byte in 0..<4 { word = word << 8 | UInt32(bytes[4 * index + (bigEndian ? byte : 3 - byte)]) }
                        // Unsigned 32-bit values stay bit patterns; the mappings read them as unsigned.
                        out[index] = Int32(bitPattern: word)
                    }
                }
            }
            initialized = count
        }
        if chroma422 { samples = expandChroma422(samples, pixelCount: image.pixelCount) }
        if image.isPlanar { samples = interleave(samples, samplesPerPixel: image.samplesPerPixel, pixelCount: image.pixelCount) }
        return DecodedFrame(columns: image.columns, rows: image.rows, samplesPerPixel: image.samplesPerPixel,
                            photometric: chroma422 ? .ybrFull : image.photometric, samples: samples)
    }

    /// Y1 Y2 Cb Cr per pixel pair becomes Y Cb Cr per pixel (both pixels share the chroma).
    private static func expandChroma422(_ packed: [Int32], pixelCount: Int) -> [Int32] {
        var full = [Int32](repeating: 0, count: pixelCount * 3)
        for pair in 0..<pixelCount / 2 {
            let source = pair * 4, target = pair * 6
            let cb = packed[source + 2], cr = packed[source + 3]
            full[target] = packed[source]
            full[target + 1] = cb
            full[target + 2] = cr
            full[target + 3] = packed[source + 1]
            full[target + 4] = cb
            full[target + 5] = cr
        }
        return full
    }
}
