import CZlib
import HuiminCore

/// Writes a zip of stored (uncompressed) entries as a stream: each file's bytes go out as they are
/// read, its CRC and size follow in a data descriptor, and the central directory closes the
/// archive. A 2 GB study is never held in memory. DICOM pixel data is mostly compressed already,
/// so deflating would cost CPU for little. Without zip64 an archive stays under 4 GiB and 65,535
/// entries; `check` refuses larger ones before anything is sent.
struct StudyZip {
    private var central: [UInt8] = []
    private var count = 0
    private var offset: UInt64 = 0

    static let limit: Int64 = 0xFFFF_0000

    static func check(totalSize: Int64, entries: Int) throws {
        guard totalSize < limit, entries < 0xFFFF else {
            throw AppError.rule("study_too_large_to_zip", "This study is too large for one zip; download its series one by one.")
        }
    }

    /// Starts an entry: the local header, whose CRC and sizes the data descriptor gives.
    mutating func begin(name: String) -> [UInt8] {
        let nameBytes = Array(name.utf8)
        var header: [UInt8] = []
        Self.put32(0x0403_4B50, &header)
        Self.put16(20, &header)            // version needed
        Self.put16(0x0808, &header)        // data descriptor follows; names are UTF-8
        Self.put16(0, &header)             // stored
        Self.put16(0, &header)             // time
        Self.put16(0x21, &header)          // date 1980-01-01
        Self.put32(0, &header)
        Self.put32(0, &header)
        Self.put32(0, &header)
        Self.put16(nameBytes.count, &header)
        Self.put16(0, &header)
        header += nameBytes
        pending = (nameBytes, UInt32(offset), 0, 0)
        offset += UInt64(header.count)
        return header
    }

    private var pending: (name: [UInt8], headerOffset: UInt32, crc: UInt32, size: UInt64) = ([], 0, 0, 0)

    /// Accounts for a piece of the current entry's bytes (sent by the caller unchanged).
    mutating func add(_ piece: [UInt8]) {
        pending.crc = piece.withUnsafeBufferPointer { UInt32(CZlib.crc32(uLong(pending.crc), $0.baseAddress, uInt($0.count))) }
        pending.size += UInt64(piece.count)
        offset += UInt64(piece.count)
    }

    /// Ends the current entry: its data descriptor.
    mutating func end() -> [UInt8] {
        var descriptor: [UInt8] = []
        Self.put32(0x0807_4B50, &descriptor)
        putChecks(&descriptor)
        offset += UInt64(descriptor.count)
        Self.put32(0x0201_4B50, &central)
        Self.put16(20, &central)
        Self.put16(20, &central)
        Self.put16(0x0808, &central)
        Self.put16(0, &central)
        Self.put16(0, &central)
        Self.put16(0x21, &central)
        putChecks(&central)
        Self.put16(pending.name.count, &central)
        Self.put16(0, &central)
        Self.put16(0, &central)
        Self.put16(0, &central)
        Self.put16(0, &central)
        Self.put32(0, &central)
        Self.put32(Int(pending.headerOffset), &central)
        central += pending.name
        count += 1
        return descriptor
    }

    /// The entry's CRC-32, compressed and uncompressed size (the same: entries are stored).
    private func putChecks(_ out: inout [UInt8]) {
        Self.put32(Int(pending.crc), &out)
        Self.put32(Int(pending.size), &out)
        Self.put32(Int(pending.size), &out)
    }

    /// The central directory and its end record.
    func finish() -> [UInt8] {
        var out = central
        Self.put32(0x0605_4B50, &out)
        Self.put16(0, &out)
        Self.put16(0, &out)
        Self.put16(count, &out)
        Self.put16(count, &out)
        Self.put32(central.count, &out)
        Self.put32(Int(offset), &out)
        Self.put16(0, &out)
        return out
    }

    private static func put16(_ value: Int, _ out: inout [UInt8]) {
        out.append(UInt8(value & 0xFF))
        out.append(UInt8(value >> 8 & 0xFF))
    }

    private static func put32(_ value: Int, _ out: inout [UInt8]) {
        put16(value & 0xFFFF, &out)
        put16(value >> 16 & 0xFFFF, &out)
    }
}
