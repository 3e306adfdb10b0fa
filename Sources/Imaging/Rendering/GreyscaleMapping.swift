/// Stored values to display grey levels (PS3.3 C.11): modality LUT or rescale, then VOI (a window
/// or a VOI LUT), then MONOCHROME1 inversion. The chain runs once per distinct stored value, into a
/// table the pixels are then looked up in.
struct GreyscaleMapping {
    let image: ImageDescription
    let window: Window?

    /// Tables larger than this (wide 32-bit data) are evaluated pixel by pixel instead.
    static let largestTable = 1 << 20

    /// The grey levels, and the window applied (nil when a VOI LUT was).
    func render(_ frame: DecodedFrame) -> (grey: [UInt8], window: Window?) {
        let samples = frame.samples
        guard !samples.isEmpty else { return ([], window) }
        // Unsigned 32-bit samples arrive as bit patterns; every other kind is its own value.
        let unsigned32 = image.bitsAllocated == 32 && !image.isSigned
        let stored = { (sample: Int32) -> Int in unsigned32 ? Int(UInt32(bitPattern: sample)) : Int(sample) }
        var low = Int.max, high = Int.min
        for sample in samples {
            let value = stored(sample)
            low = min(low, value)
            high = max(high, value)
        }
        let span = high - low + 1
        let applied = chosenWindow { span <= Self.largestTable ? percentileBounds(samples, stored, low: low, span: span) : percentileBounds(samples, stored) }
        var grey = [UInt8](repeating: 0, count: samples.count)
        if span <= Self.largestTable {
            let table = levels(low: low, span: span, window: applied)
            samples.withUnsafeBufferPointer { input in
                table.withUnsafeBufferPointer { lookup in
                    grey.withUnsafeMutableBufferPointer { output in
                        if unsigned32 {
                            for index in input.indices { output[index] = lookup[Int(UInt32(bitPattern: input[index])) - low] }
                        } else {
                            let base = Int32(truncatingIfNeeded: low)
                            for index in input.indices { output[index] = lookup[Int(input[index] &- base)] }
                        }
                    }
                }
            }
        } else {
            let voi = applied.map { $0.level } ?? voiLUTStage()
            let invert = image.photometric == .monochrome1
            for index in samples.indices {
                let level = voi(modality(stored(samples[index])))
                grey[index] = invert ? 255 - level : level
            }
        }
        return (grey, applied)
    }

    /// The grey level of each stored value in [low, low + span), through the whole chain.
    func levels(low: Int, span: Int, window applied: Window?) -> [UInt8] {
        let voi = applied.map { $0.level } ?? voiLUTStage()
        let invert = image.photometric == .monochrome1
        return (0..<span).map { offset in
            let level = voi(modality(low + offset))
            return invert ? 255 - level : level
        }
    }

    private func modality(_ stored: Int) -> Double {
        if let lut = image.modalityLUT { return Double(lut.map(stored)) }
        return Double(stored) * image.rescaleSlope + image.rescaleIntercept
    }

    /// The caller's window first, then the file's VOI LUT (nil here), then its first window, then a
    /// window over the 1st to 99th percentile of the frame's modality values.
    func chosenWindow(_ percentiles: () -> (first: Int, last: Int)) -> Window? {
        if let window { return window }
        if image.voiLUT != nil { return nil }
        if let first = image.windows.first { return first }
        let (first, last) = percentiles()
        let a = modality(first), b = modality(last)
        let (lower, upper) = (min(a, b), max(a, b))
        // The LINEAR window whose black and white points are exactly lower and upper.
        return Window(center: (lower + upper) / 2 + 0.5, width: upper - lower + 1)
    }

    /// The VOI LUT's output scaled from its entry bits to 8 bits.
    private func voiLUTStage() -> (Double) -> UInt8 {
        guard let lut = image.voiLUT else { return { _ in 0 } }
        let top = Double((1 << lut.bitsPerEntry) - 1)
        return { value in UInt8(min(Double(lut.map(Int(value.rounded(.down)))) * 255 / top, 255).rounded()) }
    }

    /// The stored values at the 1st and 99th percentile, from a histogram over [low, low + span).
    private func percentileBounds(_ samples: [Int32], _ stored: (Int32) -> Int, low: Int, span: Int) -> (first: Int, last: Int) {
        var counts = [Int](repeating: 0, count: span)
        for sample in samples { counts[stored(sample) - low] += 1 }
        let margin = samples.count / 100
        return (low + Self.rank(counts, margin), low + Self.rank(counts, samples.count - 1 - margin))
    }

    /// The same for values too wide for a histogram, by sorting.
    private func percentileBounds(_ samples: [Int32], _ stored: (Int32) -> Int) -> (first: Int, last: Int) {
        let sorted = samples.map(stored).sorted()
        let margin = sorted.count / 100
        return (sorted[margin], sorted[sorted.count - 1 - margin])
    }

    /// The histogram bin that holds the value of the given rank (0-based) in sorted order.
    static func rank(_ counts: [Int], _ rank: Int) -> Int {
        var seen = 0
        for (bin, count) in counts.enumerated() {
            seen += count
            if seen > rank { return bin }
        }
        return counts.count - 1
    }
}
