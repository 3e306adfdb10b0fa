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
        guard u.count >= 20, let wall = BusinessCalendar.instant(wallClock: u, separator: UInt8(ascii: "T")) else { return nil }
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
                  let h = BusinessCalendar.digits(u, index + 1 ..< index + 3),
                  let m = BusinessCalendar.digits(u, index + 4 ..< index + 6) else { return nil }
            switch u[index] {
            case UInt8(ascii: "+"): offset = h * 3600 + m * 60
            case UInt8(ascii: "-"): offset = -(h * 3600 + m * 60)
            default: return nil
            }
        }
        // `wall` read the wall time as Beijing's; it is in the text's own offset.
        return Date(timeIntervalSince1970: wall.timeIntervalSince1970 + Double(8 * 3600 - offset) + fraction)
    }
}
