import Foundation
import HuiminCore

/// RFC 3339 times as WeChat Pay writes them: Beijing wall time with `+08:00`
/// (`2026-09-22T08:30:00+08:00`); any offset or `Z` is read.
enum WeChatPayTime {
    static func string(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let local = UTCText.format(Date(timeIntervalSince1970: seconds + 8 * 3600), separator: UInt8(ascii: "T"),
                                   zulu: false)
        return String(local.prefix(19)) + "+08:00"
    }

    static func date(_ text: String) -> Date? {
        let u = Array(text.utf8)
        guard u.count >= 20, u[10] == UInt8(ascii: "T"), u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
              let midnight = BusinessCalendar.instant(day: String(decoding: u[0..<10], as: UTF8.self), minutes: 0)
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard (48...57).contains(u[i]) else { return nil }
                n = n * 10 + Int(u[i] - 48)
            }
            return n
        }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var fraction = 0.0
        if u[index] == UInt8(ascii: ".") {
            var scale = 0.1
            index += 1
            let start = index
            while index < u.count, (48...57).contains(u[index]) {
                fraction += Double(u[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < u.count else { return nil }
        var offset = 0
        if u[index] == UInt8(ascii: "Z") || u[index] == UInt8(ascii: "z") {
            guard index + 1 == u.count else { return nil }
        } else {
            guard index + 6 == u.count, u[index + 3] == UInt8(ascii: ":"),
                  let h = number(index + 1 ..< index + 3), let m = number(index + 4 ..< index + 6) else { return nil }
            switch u[index] {
            case UInt8(ascii: "+"): offset = h * 3600 + m * 60
            case UInt8(ascii: "-"): offset = -(h * 3600 + m * 60)
            default: return nil
            }
        }
        // `midnight` is 00:00 Beijing of that date; the wall time is in the text's own offset.
        let utcMidnight = midnight.timeIntervalSince1970 + 8 * 3600
        return Date(timeIntervalSince1970: utcMidnight + Double(hour * 3600 + minute * 60 + second - offset) + fraction)
    }
}
