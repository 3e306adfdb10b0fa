/// One frame's samples after decoding: interleaved (pixel by pixel, sample by sample), masked to
/// Bits Stored and sign-extended, in the colour space the codec left them in.
public struct DecodedFrame: Sendable {
    public let columns: Int
    public let rows: Int
    public let samplesPerPixel: Int
    /// The file's interpretation, or RGB when the codec already converted colour (JPEG, J2K MCT).
    public let photometric: PhotometricInterpretation
    public var samples: [Int32]

    public init(columns: Int, rows: Int, samplesPerPixel: Int, photometric: PhotometricInterpretation, samples: [Int32]) {
        self.columns = columns
        self.rows = rows
        self.samplesPerPixel = samplesPerPixel
        self.photometric = photometric
        self.samples = samples
    }
}

/// Keeps the low `bitsStored` bits of each sample and, for signed pixel data, extends the sign bit
/// (two's complement in Bits Stored bits, PS3.5 8.1.1): unused high bits may carry overlays.
func normalizeStoredValues(_ samples: inout [Int32], bitsStored: Int, signed: Bool) {
    guard bitsStored < 32 else { return }
    let mask = Int32(bitPattern: UInt32((1 << UInt64(bitsStored)) - 1))
    let shift = Int32(32 - bitsStored)
    samples.withUnsafeMutableBufferPointer { buffer in
        if signed {
            for index in buffer.indices { buffer[index] = (buffer[index] << shift) >> shift }
        } else {
            for index in buffer.indices { buffer[index] &= mask }
        }
    }
}

/// Planar (RR..GG..BB..) samples in pixel-interleaved order.
func interleave(_ planar: [Int32], samplesPerPixel: Int, pixelCount: Int) -> [Int32] {
    var result = [Int32](repeating: 0, count: planar.count)
    planar.withUnsafeBufferPointer { source in
        result.withUnsafeMutableBufferPointer { target in
            for sample in 0..<samplesPerPixel {
                let plane = sample * pixelCount
                for pixel in 0..<pixelCount { target[pixel * samplesPerPixel + sample] = source[plane + pixel] }
            }
        }
    }
    return result
}
