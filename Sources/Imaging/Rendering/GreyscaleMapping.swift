/// Stored values to display grey levels (PS3.3 C.11): modality LUT or rescale, then VOI (a window
/// or a VOI LUT), then MONOCHROME1 inversion. The chain runs once per distinct stored value, into a
/// table the pixels are then looked up in.
struct GreyscaleMapping {
    let image: ImageDescription
    let window: Window?

    /// Tables larger than this (wide 32-bit data) are evaluated pixel by pixel instead.
    private static let largestTable = 1 << 20

    /// The grey levels, and the window applied (nil when a VOI LUT was).
    func render(_ frame: DecodedFrame) -> (grey: [UInt8], window: Window?) {
        let samples = frame.samples
        guard let low = samples.min(), let high = samples.max() else { return ([], window) }
        let span = Int(high) - Int(low) + 1
        let applied = chosenWindow(samples, low: low, span: span)
        let voi = applied.map { $0.level } ?? voiLUTStage()
        let invert = image.photometric == .monochrome1
        var grey = [UInt8](repeating: 0, count: samples.count)
        if span <= Self.largestTable {
            var table = [UInt8](repeating: 0, count: span)
            for offset in 0..<span {
                let level = voi(modality(Int(low) + offset))
                table[offset] = invert ? 255 - level : level
            }
            samples.withUnsafeBufferPointer { input in
                table.withUnsafeBufferPointer { lookup in
                    grey.withUnsafeMutableBufferPointer { output in
                        for index in input.indices { output[index] = lookup[Int(input[index] &- low)] }
                    }
                }
            }
        } else {
            for index in samples.indices {
                let level = voi(modality(Int(samples[index])))
                grey[index] = invert ? 255 - level : level
            }
        }
        return (grey, applied)
    }

    private func modality(_ stored: Int) -> Double {
        if let lut = image.modalityLUT { return Double(lut.map(stored)) }
        return Double(stored) * image.rescaleSlope + image.rescaleIntercept
    }

    /// The caller's window first, then the file's VOI LUT (nil here), then its first window, then a
    /// window over the 1st to 99th percentile of the frame's values.
    private func chosenWindow(_ samples: [Int32], low: Int32, span: Int) -> Window? {
        if let window { return window }
        if image.voiLUT != nil { return nil }
        return image.windows.first ?? percentileWindow(samples, low: low, span: span)
    }

    /// The VOI LUT's output scaled from its entry bits to 8 bits.
    private func voiLUTStage() -> (Double) -> UInt8 {
        guard let lut = image.voiLUT else { return { _ in 0 } }
        let top = Double((1 << lut.bitsPerEntry) - 1)
        return { value in UInt8(min(Double(lut.map(Int(value.rounded(.down)))) * 255 / top, 255).rounded()) }
    }

    private func percentileWindow(_ samples: [Int32], low: Int32, span: Int) -> Window {
        let (first, last): (Int, Int)
        if span <= Self.largestTable {
            var counts = [Int](repeating: 0, count: span)
            for value in samples { counts[Int(value &- low)] += 1 }
            first = Int(low) + Self.rank(counts, samples.count / 100)
            last = Int(low) + Self.rank(counts, samples.count - 1 - samples.count / 100)
        } else {
            let sorted = samples.sorted()
            first = Int(sorted[sorted.count / 100])
            last = Int(sorted[sorted.count - 1 - sorted.count / 100])
        }
        let a = modality(first), b = modality(last)
        let (lower, upper) = (min(a, b), max(a, b))
        // The LINEAR window whose black and white points are exactly lower and upper.
        return Window(center: (lower + upper) / 2 + 0.5, width: upper - lower + 1)
    }

    /// The histogram bin that holds the value of the given rank (0-based) in sorted order.
    private static func rank(_ counts: [Int], _ rank: Int) -> Int {
        var seen = 0
        for (bin, count) in counts.enumerated() {
            seen += count
            if seen > rank { return bin }
        }
        return counts.count - 1
    }
}
