import CZlib
import Foundation

/// Just enough of the zip format for bill archives, over the project's zlib: read the central
/// directory, inflate (method 8) or copy (method 0) an entry and check its CRC-32; write an
/// archive of deflated entries. Entry names are kept as raw bytes, because Alipay's zips name
/// their entries in GBK without the UTF-8 flag.
public enum ZipArchive {
    public struct Entry: Sendable {
        /// The raw name bytes (UTF-8 when `utf8Name`, usually GBK otherwise).
        public let nameBytes: [UInt8]
        public let utf8Name: Bool
        let method: UInt16
        let crc: UInt32
        let compressedSize: Int
        public let uncompressedSize: Int
        let localHeaderOffset: Int

        /// The name decoded as UTF-8 or GB18030 as flagged.
        public var name: String {
            (utf8Name ? TextEncoding.utf8 : TextEncoding.gb18030).decode(nameBytes)
                ?? String(decoding: nameBytes, as: UTF8.self)
        }
    }

    public static func isZip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4B && bytes[2] == 0x03 && bytes[3] == 0x04
    }

    @inline(__always)
    static func u16(_ b: [UInt8], _ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
    @inline(__always)
    static func u32(_ b: [UInt8], _ at: Int) -> Int { u16(b, at) | u16(b, at + 2) << 16 }

    /// The entries of a zip archive.
    public static func entries(_ b: [UInt8]) throws -> [Entry] {
        // End of central directory: 22 bytes plus a comment of up to 64 KiB.
        var eocd = -1
        var i = b.count - 22
        let lowest = max(0, b.count - 22 - 65_535)
        while i >= lowest {
            if b[i] == 0x50, b[i + 1] == 0x4B, b[i + 2] == 0x05, b[i + 3] == 0x06 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { throw BillError.archiveInvalid("The zip archive has no central directory.") }
        let count = u16(b, eocd + 10)
        var p = u32(b, eocd + 16)
        var result: [Entry] = []
        for _ in 0..<count {
            guard p + 46 <= b.count, u32(b, p) == 0x0201_4B50 else {
                throw BillError.archiveInvalid("The zip central directory is damaged.")
            }
            let flags = u16(b, p + 8)
            let nameLength = u16(b, p + 28), extra = u16(b, p + 30), comment = u16(b, p + 32)
            guard p + 46 + nameLength <= b.count else { throw BillError.archiveInvalid("The zip central directory is damaged.") }
            result.append(Entry(nameBytes: Array(b[(p + 46)..<(p + 46 + nameLength)]), utf8Name: flags & 0x800 != 0,
                                method: UInt16(u16(b, p + 10)), crc: UInt32(u32(b, p + 16)),
                                compressedSize: u32(b, p + 20), uncompressedSize: u32(b, p + 24),
                                localHeaderOffset: u32(b, p + 42)))
            p += 46 + nameLength + extra + comment
        }
        return result
    }

    /// The uncompressed bytes of `entry`.
    public static func extract(_ entry: Entry, from b: [UInt8]) throws -> [UInt8] {
        let h = entry.localHeaderOffset
        guard h + 30 <= b.count, u32(b, h) == 0x0403_4B50 else {
            throw BillError.archiveInvalid("A zip entry's local header is damaged.")
        }
        let start = h + 30 + u16(b, h + 26) + u16(b, h + 28)
        guard start + entry.compressedSize <= b.count else { throw BillError.archiveInvalid("A zip entry is truncated.") }
        var out: [UInt8]
        switch entry.method {
        case 0:
            out = Array(b[start..<(start + entry.compressedSize)])
        case 8:
            out = [UInt8](repeating: 0, count: entry.uncompressedSize)
            var stream = z_stream()
            guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw BillError.archiveInvalid("zlib could not start.")
            }
            defer { inflateEnd(&stream) }
            let status: Int32 = b.withUnsafeBufferPointer { input in
                out.withUnsafeMutableBufferPointer { o in
                    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress! + start)
                    stream.avail_in = uInt(entry.compressedSize)
                    stream.next_out = o.baseAddress
                    stream.avail_out = uInt(o.count)
                    return inflate(&stream, Z_FINISH)
                }
            }
            guard status == Z_STREAM_END, Int(stream.total_out) == entry.uncompressedSize else {
                throw BillError.archiveInvalid("A zip entry does not inflate to its stated size.")
            }
        default:
            throw BillError.archiveInvalid("A zip entry uses an unsupported compression method \(entry.method).")
        }
        guard crc32(out) == entry.crc else { throw BillError.archiveInvalid("A zip entry fails its CRC-32 check.") }
        return out
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    /// A zip archive of deflated entries. `utf8Name` false writes the name bytes as given
    /// without the UTF-8 flag (as Alipay does with GBK names).
    public static func create(_ files: [(name: [UInt8], utf8Name: Bool, bytes: [UInt8])], level: Int32 = 6) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func put16(_ v: Int, _ a: inout [UInt8]) { a.append(UInt8(v & 0xFF)); a.append(UInt8(v >> 8 & 0xFF)) }
        func put32(_ v: Int, _ a: inout [UInt8]) { put16(v & 0xFFFF, &a); put16(v >> 16 & 0xFFFF, &a) }
        for file in files {
            let data = deflateRaw(file.bytes, level: level)
            let crc = Int(crc32(file.bytes))
            let offset = out.count
            let flags = file.utf8Name ? 0x800 : 0
            // 2026-01-01 00:00 in DOS time; the bill's own date is inside the file.
            let (dosTime, dosDate) = (0, (46 << 9) | (1 << 5) | 1)
            put32(0x0403_4B50, &out); put16(20, &out); put16(flags, &out); put16(8, &out)
            put16(dosTime, &out); put16(dosDate, &out); put32(crc, &out)
            put32(data.count, &out); put32(file.bytes.count, &out); put16(file.name.count, &out); put16(0, &out)
            out.append(contentsOf: file.name); out.append(contentsOf: data)
            put32(0x0201_4B50, &central); put16(20, &central); put16(20, &central); put16(flags, &central)
            put16(8, &central); put16(dosTime, &central); put16(dosDate, &central); put32(crc, &central)
            put32(data.count, &central); put32(file.bytes.count, &central); put16(file.name.count, &central)
            put16(0, &central); put16(0, &central); put16(0, &central); put16(0, &central); put32(0, &central)
            put32(offset, &central); central.append(contentsOf: file.name)
        }
        let cdOffset = out.count
        out.append(contentsOf: central)
        put32(0x0605_4B50, &out); put16(0, &out); put16(0, &out); put16(files.count, &out); put16(files.count, &out)
        put32(central.count, &out); put32(cdOffset, &out); put16(0, &out)
        return out
    }

    /// Deflates a megabyte of output at a time: a buffer of the input's worst-case size would
    /// double the memory a large bill takes.
    static func deflateRaw(_ bytes: [UInt8], level: Int32) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            var status = Z_OK
            while status == Z_OK {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { o in
                    stream.next_out = o.baseAddress
                    stream.avail_out = uInt(o.count)
                    status = deflate(&stream, Z_FINISH)
                    return o.count - Int(stream.avail_out)
                }
                out.append(contentsOf: chunk[..<produced])
            }
        }
        return out
    }
}
