import CZlib
import Foundation
import HuiminCore

/// The errors bill and settlement files produce. Codes are stable; messages name the line and
/// column and never echo personal data.
public enum BillError {
    public static func headerMissing(_ file: String, _ missing: [String]) -> AppError {
        .invalid("bill_header_missing",
                 "\(file): the header line was not found or lacks the column(s) \(missing.joined(separator: ", ")).")
    }
    public static func lineMalformed(_ line: Int, _ reason: String) -> AppError {
        .invalid("bill_line_malformed", "Line \(line): \(reason)")
    }
    public static func amountInvalid(_ line: Int, _ column: String, _ value: String) -> AppError {
        .invalid("bill_amount_invalid", "Line \(line): \(column) \"\(value.prefix(24))\" is not a valid amount.")
    }
    public static func totalsMismatch(_ what: String, stated: String, computed: String) -> AppError {
        .rule("bill_totals_mismatch", "The summary says \(what) is \(stated), but the lines add up to \(computed).")
    }
    public static func encodingInvalid(_ message: String) -> AppError {
        .invalid("bill_encoding_invalid", message)
    }
    public static func archiveInvalid(_ message: String) -> AppError {
        .invalid("bill_archive_invalid", message)
    }
}

/// Byte-level helpers shared by the parsers. Everything works on an `UnsafeBufferPointer` over
/// the whole file and on `Range<Int>` cells into it: no String or array per line or field.
enum Bytes {
    static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), tab = UInt8(ascii: "\t")
    static let cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n"), space = UInt8(ascii: " ")
    static let backtick = UInt8(ascii: "`"), hash = UInt8(ascii: "#"), minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+"), dot = UInt8(ascii: "."), zero = UInt8(ascii: "0")

    /// Calls `body(lineNumber, range)` for every line (CRLF or LF; the CR is dropped). A UTF-8
    /// BOM at the start is skipped. Stops early when `body` returns false.
    @inline(__always)
    static func forEachLine(_ b: UnsafeBufferPointer<UInt8>,
                            _ body: (Int, Range<Int>) throws -> Bool) rethrows {
        var start = 0
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { start = 3 }
        var number = 0
        let n = b.count
        let base = b.baseAddress
        while start < n {
            number += 1
            var end: Int
            if let p = memchr(base! + start, Int32(lf), n - start) {
                end = base!.distance(to: p.assumingMemoryBound(to: UInt8.self))
            } else {
                end = n
            }
            let next = end + 1
            if end > start, b[end - 1] == cr { end -= 1 }
            if try !body(number, start..<end) { return }
            start = next
        }
    }

    /// Splits a line into cells on `separator`, honouring double quotes ("a,b" and "" escapes).
    /// Cell ranges exclude the quotes. `cells` is reused between lines.
    @inline(__always)
    static func split(_ b: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, separator: UInt8 = comma,
                      into cells: inout [Range<Int>]) {
        cells.removeAll(keepingCapacity: true)
        var i = line.lowerBound
        let end = line.upperBound
        while true {
            // Skip spaces before a quote, so ` "a"` still reads as a quoted cell.
            var j = i
            while j < end, b[j] == space { j += 1 }
            if j < end, b[j] == quote {
                var k = j + 1
                while k < end {
                    if b[k] == quote {
                        if k + 1 < end, b[k + 1] == quote { k += 2; continue }
                        break
                    }
                    k += 1
                }
                cells.append((j + 1)..<min(k, end))
                var m = min(k + 1, end)
                while m < end, b[m] != separator { m += 1 }
                if m >= end { return }
                i = m + 1
            } else {
                var k = i
                while k < end, b[k] != separator { k += 1 }
                cells.append(i..<k)
                if k >= end { return }
                i = k + 1
            }
        }
    }

    /// A cell without spaces, tabs (Alipay suffixes IDs with one), and WeChat's leading backtick.
    @inline(__always)
    static func trim(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi, b[lo] == space || b[lo] == tab { lo += 1 }
        if lo < hi, b[lo] == backtick { lo += 1 }
        while hi > lo, b[hi - 1] == space || b[hi - 1] == tab { hi -= 1 }
        return lo..<hi
    }

    @inline(__always)
    static func equals(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ literal: [UInt8]) -> Bool {
        guard r.count == literal.count else { return false }
        return literal.withUnsafeBufferPointer { memcmp(b.baseAddress! + r.lowerBound, $0.baseAddress!, r.count) == 0 }
    }

    @inline(__always)
    static func startsWith(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ literal: [UInt8]) -> Bool {
        guard r.count >= literal.count else { return false }
        return literal.withUnsafeBufferPointer { memcmp(b.baseAddress! + r.lowerBound, $0.baseAddress!, literal.count) == 0 }
    }

    static func contains(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ literal: [UInt8]) -> Bool {
        guard !literal.isEmpty, r.count >= literal.count else { return false }
        var i = r.lowerBound
        while i + literal.count <= r.upperBound {
            if equals(b, i..<(i + literal.count), literal) { return true }
            i += 1
        }
        return false
    }

    static func text(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ encoding: TextEncoding = .utf8) -> String {
        encoding.decode(UnsafeBufferPointer(rebasing: b[r])) ?? String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self)
    }

    /// A decimal amount with at most `decimals` fraction digits, in units of 10^-decimals (yuan
    /// with 2 decimals -> fen). Optional sign, no exponent, no thousands separators, at most 15
    /// integer digits. nil when it is anything else ("1.234" with 2 decimals, "abc", "", "-").
    @inline(__always)
    static func decimal(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, decimals: Int) -> Int64? {
        var i = r.lowerBound
        let end = r.upperBound
        guard i < end else { return nil }
        var negative = false
        if b[i] == minus { negative = true; i += 1 } else if b[i] == plus { i += 1 }
        var value: Int64 = 0
        var intDigits = 0
        while i < end, b[i] &- zero < 10 {
            value = value * 10 + Int64(b[i] &- zero)
            intDigits += 1
            i += 1
        }
        guard intDigits > 0, intDigits <= 15 else { return nil }
        var fracDigits = 0
        if i < end {
            guard b[i] == dot else { return nil }
            i += 1
            while i < end, b[i] &- zero < 10 {
                guard fracDigits < decimals else { return nil }
                value = value * 10 + Int64(b[i] &- zero)
                fracDigits += 1
                i += 1
            }
            guard i == end, fracDigits > 0 else { return nil }
        }
        while fracDigits < decimals { value *= 10; fracDigits += 1 }
        return negative ? -value : value
    }

    /// A plain integer (fen).
    @inline(__always)
    static func integer(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int64? { decimal(b, r, decimals: 0) }

    /// `YYYY-MM-DD HH:MM:SS` (or `/` between date parts, or `T` before the time) in Beijing time,
    /// as epoch seconds.
    @inline(__always)
    static func beijingTime(_ b: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int64? {
        guard r.count == 19 else { return nil }
        let s = r.lowerBound
        @inline(__always) func num(_ at: Int, _ len: Int) -> Int? {
            var v = 0
            for k in at..<(at + len) {
                let d = b[s + k] &- zero
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        let sep1 = b[s + 4], sep2 = b[s + 7], mid = b[s + 10]
        guard (sep1 == minus && sep2 == minus) || (sep1 == UInt8(ascii: "/") && sep2 == UInt8(ascii: "/")),
              mid == space || mid == UInt8(ascii: "T"), b[s + 13] == UInt8(ascii: ":"), b[s + 16] == UInt8(ascii: ":"),
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
              let sec = num(17, 2), (1...12).contains(mo), d >= 1, d <= BusinessCalendarDays.inMonth(y, mo),
              h < 24, mi < 60, sec < 60 else { return nil }
        return DayNumber.epoch(y, mo, d, h, mi, sec)
    }

    /// Formats fen (or any 10^-decimals unit) as a decimal string: 1 -> "0.01".
    static func formatDecimal(_ value: Int64, decimals: Int) -> String {
        let negative = value < 0
        let magnitude = value.magnitude
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        let whole = magnitude / scale, frac = magnitude % scale
        var fracText = String(frac)
        while fracText.count < decimals { fracText = "0" + fracText }
        return (negative ? "-" : "") + String(whole) + (decimals > 0 ? "." + fracText : "")
    }

    static func yuan(_ fen: Int64) -> String { formatDecimal(fen, decimals: 2) }
}

enum BusinessCalendarDays {
    static func inMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// gzip (WeChat `tar_type=GZIP`) through zlib.
public enum Gzip {
    public static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    public static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        var status = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw BillError.archiveInvalid("The gzip stream could not be opened.") }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        try bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { c in
                    stream.next_out = c.baseAddress
                    stream.avail_out = uInt(c.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    out.append(contentsOf: c[0..<(c.count - Int(stream.avail_out))])
                }
                guard status == Z_OK || status == Z_STREAM_END else {
                    throw BillError.archiveInvalid("The gzip data is corrupt.")
                }
                if status == Z_OK, stream.avail_in == 0, stream.avail_out != 0 {
                    throw BillError.archiveInvalid("The gzip data is truncated.")
                }
            } while status != Z_STREAM_END
        }
        return out
    }

    /// gzip-compresses `bytes` (used by the generator and tests).
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            var status: Int32
            repeat {
                status = chunk.withUnsafeMutableBufferPointer { c in
                    stream.next_out = c.baseAddress
                    stream.avail_out = uInt(c.count)
                    let s = deflate(&stream, Z_FINISH)
                    out.append(contentsOf: c[0..<(c.count - Int(stream.avail_out))])
                    return s
                }
            } while status == Z_OK
        }
        return out
    }
}
