/// A DICOM lookup table (Modality LUT, VOI LUT or one palette channel): a descriptor of
/// [entries, first mapped value, bits per entry] and the entries (PS3.3 C.11.1.1, C.7.6.3.1.5).
public struct LookupTable: Sendable, Equatable {
    public let firstMapped: Int
    public let bitsPerEntry: Int
    public let entries: [Int32]

    public init(firstMapped: Int, bitsPerEntry: Int, entries: [Int32]) {
        self.firstMapped = firstMapped
        self.bitsPerEntry = bitsPerEntry
        self.entries = entries
    }

    /// Values below the first mapped value take the first entry; above the last, the last entry.
    @inline(__always)
    public func map(_ value: Int) -> Int32 {
        let index = min(max(value - firstMapped, 0), entries.count - 1)
        return entries[index]
    }

    /// Reads a table from its descriptor and data. The descriptor's first mapped value is signed
    /// when the pixel data is (`signedInput`), whatever VR the file gave it; 0 entries means 65536.
    init(descriptor: [Int], data: [UInt8], bigEndian: Bool, signedInput: Bool, name: String) throws(RenderError) {
        guard descriptor.count == 3 else { throw .invalid("\(name) descriptor has \(descriptor.count) values, needs 3") }
        let count = descriptor[0] == 0 ? 65536 : descriptor[0] & 0xFFFF
        let first = signedInput ? Int(Int16(truncatingIfNeeded: descriptor[1])) : descriptor[1] & 0xFFFF
        let bits = descriptor[2]
        guard (1...16).contains(bits) else { throw .invalid("\(name) has \(bits) bits per entry") }
        var values = [Int32](repeating: 0, count: count)
        if bits <= 8 && data.count >= count && data.count < 2 * count {
            // 8-bit entries packed one per byte.
            for index in 0..<count { values[index] = Int32(data[index]) }
        } else {
            guard data.count >= 2 * count else {
                throw .invalid("\(name) holds \(data.count) bytes for \(count) entries")
            }
            for index in 0..<count {
                let high = bigEndian ? data[2 * index] : data[2 * index + 1]
                let low = bigEndian ? data[2 * index + 1] : data[2 * index]
                values[index] = Int32(UInt16(high) << 8 | UInt16(low))
            }
            if bits <= 8, values.contains(where: { $0 > 255 }) {
                // 8-bit entries written in the high byte of 16-bit words by some writers.
                for index in 0..<count { values[index] >>= 8 }
            }
        }
        self.init(firstMapped: first, bitsPerEntry: bits, entries: values)
    }
}
