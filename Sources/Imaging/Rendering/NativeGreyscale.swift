/// Greyscale native frames of 8 or 16-bit cells mapped straight from the stored bytes: one table
/// over every value Bits Stored allows, indexed by the cell's stored bits, so no intermediate
/// sample array is built. This is the path most CT, MR, CR and DX thumbnails take.
extension GreyscaleMapping {
    /// Whether `render(cells:)` applies: monochrome, one sample, 8 or 16-bit cells, and more pixels
    /// than table entries (a small image is cheaper through the table over its own value range).
    static func mapsCells(_ image: ImageDescription) -> Bool {
        image.photometric.isMonochrome && image.samplesPerPixel == 1 && (image.bitsAllocated == 8 || image.bitsAllocated == 16)
            && image.pixelCount >= 1 << image.bitsStored
    }

    func render(cells: ArraySlice<UInt8>, bigEndian: Bool) -> (grey: [UInt8], window: Window?) {
        let count = image.pixelCount
        let bits = image.bitsStored
        let mask = (1 << bits) - 1
        // Two's complement in `bits` bits: flipping the sign bit orders cells from the most negative
        // value up, so `cell ^ flip` indexes tables that start at the lowest stored value.
        let flip = image.isSigned ? 1 << (bits - 1) : 0
        let low = image.isSigned ? -(1 << (bits - 1)) : 0
        let wide = image.bitsAllocated == 16
        let (high, lowByte) = bigEndian ? (0, 1) : (1, 0)
        let readCell = { (bytes: UnsafeBufferPointer<UInt8>, index: Int) -> Int in
            wide ? (Int(bytes[2 * index + high]) << 8 | Int(bytes[2 * index + lowByte])) & mask ^ flip : Int(bytes[index]) & mask ^ flip
        }
        let applied = chosenWindow {
            var counts = [Int](repeating: 0, count: mask + 1)
            cells.withUnsafeBufferPointer { bytes in
                for index in 0..<count { counts[readCell(bytes, index)] += 1 }
            }
            let margin = count / 100
            return (low + Self.rank(counts, margin), low + Self.rank(counts, count - 1 - margin))
        }
        let table = levels(low: low, span: mask + 1, window: applied)
        let grey = [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
            cells.withUnsafeBufferPointer { bytes in
                table.withUnsafeBufferPointer { lookup in
                    for index in 0..<count { output[index] = lookup[readCell(bytes, index)] }
                }
            }
            initialized = count
        }
        return (grey, applied)
    }
}
