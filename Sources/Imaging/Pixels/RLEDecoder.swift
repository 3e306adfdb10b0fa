/// RLE Lossless (PS3.5 Annex G): a 64-byte header of segment count and 15 offsets, then one
/// PackBits segment per byte plane, each sample's most significant byte plane first.
enum RLEDecoder {
    static func decode(_ frame: [UInt8], _ image: ImageDescription) throws(RenderError) -> DecodedFrame {
        guard image.bitsAllocated % 8 == 0 else { throw .unsupported("RLE with BitsAllocated \(image.bitsAllocated)") }
        guard frame.count >= 64 else { throw .corrupt("RLE frame shorter than its header") }
        let bytesPerSample = image.bitsAllocated / 8
        let planes = bytesPerSample * image.samplesPerPixel
        let segmentCount = Int(readUInt32(frame, at: 0))
        guard segmentCount == planes else { throw .corrupt("RLE header lists \(segmentCount) segments, expected \(planes)") }
        let offsets = (0..<segmentCount).map { Int(readUInt32(frame, at: 4 + 4 * $0)) } + [frame.count]
        let pixels = image.pixelCount
        var samples = [Int32](repeating: 0, count: pixels * image.samplesPerPixel)
        var plane = [UInt8](repeating: 0, count: pixels)
        for segment in 0..<segmentCount {
            let start = offsets[segment], end = offsets[segment + 1]
            guard start >= 64, start <= end, end <= frame.count else { throw .corrupt("RLE segment \(segment) offset \(start)") }
            try unpack(frame, from: start, to: end, into: &plane)
            let sample = segment / bytesPerSample
            let shift = Int32(8 * (bytesPerSample - 1 - segment % bytesPerSample))
            let spp = image.samplesPerPixel
            samples.withUnsafeMutableBufferPointer { out in
                for pixel in 0..<pixels { out[pixel * spp + sample] |= Int32(plane[pixel]) << shift }
            }
        }
        if image.bitsAllocated < 32 { normalizeStoredValues(&samples, bitsStored: image.bitsStored, signed: image.isSigned) }
        return DecodedFrame(columns: image.columns, rows: image.rows, samplesPerPixel: image.samplesPerPixel,
                            photometric: image.photometric, samples: samples)
    }

    /// PackBits: a header n of 0…127 copies n+1 literal bytes, -127…-1 repeats the next byte 1-n
    /// times, -128 does nothing. A segment may be padded past the plane's length.
    static func unpack(_ source: [UInt8], from start: Int, to end: Int, into plane: inout [UInt8]) throws(RenderError) {
        var input = start, output = 0
        let length = plane.count
        while output < length && input < end {
            let header = Int(Int8(bitPattern: source[input]))
            input += 1
            if header >= 0 {
                let run = header + 1
                guard input + run <= end, output + run <= length else { throw .corrupt("RLE literal run overflows") }
                for offset in 0..<run { plane[output + offset] = source[input + offset] }
                input += run
                output += run
            } else if header != -128 {
                let run = 1 - header
                guard input < end, output + run <= length else { throw .corrupt("RLE repeat run overflows") }
                let value = source[input]
                input += 1
                for offset in 0..<run { plane[output + offset] = value }
                output += run
            }
        }
        guard output == length else { throw .corrupt("RLE segment decodes to \(output) bytes, expected \(length)") }
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
    }
}
