import Foundation

/// Appends text to a byte buffer without a String per line (the generator writes millions).
struct ByteWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    @inline(__always) mutating func ascii(_ s: String) { bytes.append(contentsOf: s.utf8) }
    @inline(__always) mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    @inline(__always) mutating func byte(_ b: UInt8) { bytes.append(b) }

    @inline(__always) mutating func ref(_ batch: RecordBatch, _ r: ByteRef) {
        if r == 0 { return }
        let (o, n) = (Int(r >> 8), Int(r & 0xFF))
        batch.arena.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[o..<o + n])) }
    }

    @inline(__always) mutating func int(_ v: Int64) {
        if v < 0 { bytes.append(45) }
        var m = v.magnitude
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { t in
            repeat { t[n] = UInt8(48 + m % 10); m /= 10; n += 1 } while m > 0
            while n > 0 { n -= 1; bytes.append(t[n]) }
        }
    }

    /// `value` in units of 10^-decimals as a decimal: (1, 2) -> "0.01", (-7404, 5) -> "-0.07404".
    @inline(__always) mutating func decimal(_ value: Int64, decimals: Int) {
        if value < 0 { bytes.append(45) }
        let m = value.magnitude
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        int(Int64(m / scale))
        bytes.append(46)
        var frac = m % scale
        var digits = [UInt8](repeating: 48, count: decimals)
        var k = decimals - 1
        while k >= 0 { digits[k] = UInt8(48 + frac % 10); frac /= 10; k -= 1 }
        bytes.append(contentsOf: digits)
    }

    @inline(__always) mutating func two(_ v: Int) { bytes.append(UInt8(48 + v / 10)); bytes.append(UInt8(48 + v % 10)) }

    /// `YYYY-MM-DD HH:MM:SS` Beijing time.
    mutating func time(_ t: Int64) {
        let local = t + DayNumber.offset
        let dayN = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let sec = Int(local - dayN * 86_400)
        let (y, m, d) = HuiminCoreCivil.civil(dayN)
        two(y / 100); two(y % 100); bytes.append(45); two(m); bytes.append(45); two(d); bytes.append(32)
        two(sec / 3600); bytes.append(58); two(sec % 3600 / 60); bytes.append(58); two(sec % 60)
    }
}

import HuiminCore
enum HuiminCoreCivil {
    @inline(__always) static func civil(_ days: Int64) -> (Int, Int, Int) { BusinessCalendar.civil(fromDays: days) }
}
