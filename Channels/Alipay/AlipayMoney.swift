import Foundation
import HuiminCore

/// Alipay writes money as yuan strings with at most two decimals (`"25.00"`, `"0.01"`); Huimin
/// keeps integer fen. Conversions are exact: digits are read as digits, never through Double.
public enum AlipayMoney {
    /// `2500` -> `"25.00"`, `-1` -> `"-0.01"`.
    public static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        let cents = magnitude % 100
        return sign + "\(magnitude / 100)." + (cents < 10 ? "0" : "") + "\(cents)"
    }

    /// `"25"`, `"25.5"`, `"25.50"` -> 2550; a sign, more than two decimals, exponents, spaces or an
    /// amount past 10^12 yuan are refused (nil). `allowNegative` admits a leading `-` (bill rows).
    public static func fen(_ text: String, allowNegative: Bool = false) -> Int64? {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if allowNegative, bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        }
        var whole: Int64 = 0
        var wholeDigits = 0
        var cents: Int64 = 0
        var decimals = -1
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard decimals < 0, wholeDigits > 0 else { return nil }
                decimals = 0
                continue
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            if decimals >= 0 {
                decimals += 1
                guard decimals <= 2 else { return nil }
                cents = cents * 10 + digit
            } else {
                wholeDigits += 1
                guard wholeDigits <= 12 else { return nil }
                whole = whole * 10 + digit
            }
        }
        guard wholeDigits > 0, decimals != 0 else { return nil }
        if decimals == 1 { cents *= 10 }
        let fen = whole * 100 + cents
        return negative ? -fen : fen
    }
}

/// Alipay's wall-clock times: `yyyy-MM-dd HH:mm:ss` in Beijing time, sometimes with milliseconds
/// (`gmt_refund` is `2026-09-21 14:13:20.320`).
public enum AlipayTime {
    public static func string(_ date: Date) -> String {
        AlipaySignature.timestamp(date)
    }

    public static func date(_ text: String) -> Date? {
        let u = Array(text.utf8)
        guard let wall = BusinessCalendar.instant(wallClock: u, separator: UInt8(ascii: " ")) else { return nil }
        var milliseconds = 0
        if u.count > 19 {
            guard u[19] == UInt8(ascii: "."), u.count > 20, u.count <= 23, let fraction = BusinessCalendar.digits(u, 20..<u.count) else {
                return nil
            }
            milliseconds = fraction * [1, 100, 10, 1][u.count - 20]
        }
        return wall.addingTimeInterval(TimeInterval(milliseconds) / 1000)
    }
}
