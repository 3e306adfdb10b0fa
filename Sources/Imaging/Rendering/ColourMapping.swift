/// Colour frames to 8-bit RGB: RGB as is (wider samples keep their top 8 bits), YBR_FULL through
/// the full-range BT.601 matrix (PS3.3 C.7.6.3.1.2), PALETTE COLOR through its three LUTs.
struct ColourMapping {
    let image: ImageDescription

    func render(_ frame: DecodedFrame) throws(RenderError) -> [UInt8] {
        switch frame.photometric {
        case .rgb: return rgb(frame)
        case .ybrFull: return ybr(frame)
        case .paletteColor: return try palette(frame)
        default: throw .unsupported("\(frame.photometric.rawValue) outside a codec that converts it")
        }
    }

    /// Samples wider than 8 bits keep their top 8; unsigned 32-bit ones arrive as bit patterns.
    private var shift: UInt32 { UInt32(max(image.bitsStored - 8, 0)) }

    private func rgb(_ frame: DecodedFrame) -> [UInt8] {
        let shift = shift
        return frame.samples.map { UInt8(truncatingIfNeeded: UInt32(bitPattern: $0) >> shift) }
    }

    private func ybr(_ frame: DecodedFrame) -> [UInt8] {
        let shift = shift
        var output = [UInt8](repeating: 0, count: frame.samples.count)
        frame.samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { rgb in
                for pixel in stride(from: 0, to: input.count, by: 3) {
                    let y = Double(UInt32(bitPattern: input[pixel]) >> shift)
                    let cb = Double(UInt32(bitPattern: input[pixel + 1]) >> shift) - 128
                    let cr = Double(UInt32(bitPattern: input[pixel + 2]) >> shift) - 128
                    rgb[pixel] = UInt8(min(max(y + 1.402 * cr, 0), 255).rounded())
                    rgb[pixel + 1] = UInt8(min(max(y - 0.344136 * cb - 0.714136 * cr, 0), 255).rounded())
                    rgb[pixel + 2] = UInt8(min(max(y + 1.772 * cb, 0), 255).rounded())
                }
            }
        }
        return output
    }

    private func palette(_ frame: DecodedFrame) throws(RenderError) -> [UInt8] {
        guard let (red, green, blue) = image.palette else { throw .missingAttribute("Palette Color LUTs") }
        let tables = [red, green, blue].map { lut in
            // 16-bit entries span 0…65535; keep their top byte.
            let drop = Int32(max(lut.bitsPerEntry - 8, 0))
            return (lut, drop)
        }
        var output = [UInt8](repeating: 0, count: frame.samples.count * 3)
        output.withUnsafeMutableBufferPointer { rgb in
            for (pixel, index) in frame.samples.enumerated() {
                for channel in 0..<3 {
                    let (lut, drop) = tables[channel]
                    rgb[pixel * 3 + channel] = UInt8(clamping: lut.map(Int(index)) >> drop)
                }
            }
        }
        return output
    }
}
