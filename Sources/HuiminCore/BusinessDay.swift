import Foundation

/// Business calendar days (appointment dates, bill dates) are Asia/Shanghai calendar days,
/// whatever the server's own time zone is.
///
/// China has kept UTC+8 without daylight saving since 1991, so day arithmetic here is plain
/// integer arithmetic on that offset: Foundation's calendar (ICU underneath) costs microseconds a
/// call, and a booking needs a dozen such sums. A test checks these against `calendar` across
/// decades so the shortcut cannot drift from the zone's real rules.
public enum BusinessCalendar {
    public static let timeZone = TimeZone(identifier: "Asia/Shanghai")!
    static let offset: Int64 = 8 * 3600

    public static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        return c
    }()

    /// `YYYY-MM-DD` of the business day that contains `date`.
    public static func day(of date: Date) -> String {
        let (y, m, d) = civil(fromDays: dayNumber(of: date))
        return format(y, m, d)
    }

    /// The decimal number written in `bytes[range]`, or nil if any of them is not a digit.
    public static func digits(_ bytes: [UInt8], _ range: Range<Int>) -> Int? {
        var n = 0
        for i in range {
            guard (48...57).contains(bytes[i]) else { return nil }
            n = n * 10 + Int(bytes[i] - 48)
        }
        return n
    }

    /// The instant of a Beijing wall time written at the start of `bytes` as `YYYY-MM-DD`,
    /// `separator`, `HH:MM:SS` (what WeChat Pay, Alipay and hospital files write); what follows
    /// (fractions, an offset) is the caller's to read.
    public static func instant(wallClock bytes: [UInt8], separator: UInt8) -> Date? {
        guard bytes.count >= 19, bytes[10] == separator, bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let midnight = instant(day: String(decoding: bytes[0..<10], as: UTF8.self), minutes: 0),
              let hour = digits(bytes, 11..<13), let minute = digits(bytes, 14..<16), let second = digits(bytes, 17..<19),
              hour < 24, minute < 60, second < 61 else { return nil }
        return midnight.addingTimeInterval(TimeInterval(hour * 3600 + minute * 60 + second))
    }

    /// The components of a `YYYY-MM-DD` day, or nil when it is not a real calendar day.
    public static func parse(_ day: String) -> (year: Int, month: Int, day: Int)? {
        let u = Array(day.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
        guard let y = digits(u, 0..<4), let m = digits(u, 5..<7), let d = digits(u, 8..<10),
              (1...12).contains(m), d >= 1, d <= daysInMonth(y, m) else { return nil }
        return (y, m, d)
    }

    public static func isDay(_ text: String) -> Bool { parse(text) != nil }

    /// The instant `minutes` after midnight of `day` in Asia/Shanghai.
    public static func instant(day: String, minutes: Int) -> Date? {
        guard let (y, m, d) = parse(day) else { return nil }
        let seconds = days(fromCivil: y, m, d) * 86_400 + Int64(minutes) * 60 - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Minutes since the business day's midnight at `date`.
    public static func minuteOfDay(_ date: Date) -> Int {
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + offset
        return Int(((local % 86_400) + 86_400) % 86_400 / 60)
    }

    /// `day` moved by `days` calendar days.
    public static func adding(days: Int, to day: String) -> String? {
        guard let (y, m, d) = parse(day) else { return nil }
        let (ny, nm, nd) = civil(fromDays: Self.days(fromCivil: y, m, d) + Int64(days))
        return format(ny, nm, nd)
    }

    /// Whole calendar days from `from` to `to` (negative when `to` is earlier).
    public static func daysBetween(_ from: String, _ to: String) -> Int? {
        guard let a = parse(from), let b = parse(to) else { return nil }
        return Int(days(fromCivil: b.year, b.month, b.day) - days(fromCivil: a.year, a.month, a.day))
    }

    /// Full years of age on `day` for someone born on `birthDate` (both `YYYY-MM-DD`).
    public static func age(birthDate: String, on day: String) -> Int? {
        guard let b = parse(birthDate), let d = parse(day) else { return nil }
        var years = d.year - b.year
        if (d.month, d.day) < (b.month, b.day) { years -= 1 }
        return years
    }

    // MARK: Proleptic Gregorian day numbers (days since 1970-01-01), after H. Hinnant.

    static func dayNumber(of date: Date) -> Int64 {
        let local = Int64(date.timeIntervalSince1970.rounded(.down)) + offset
        return local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    }

    public static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func civil(fromDays z: Int64) -> (Int, Int, Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }

    static func daysInMonth(_ year: Int, _ month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func format(_ y: Int, _ m: Int, _ d: Int) -> String {
        var out = [UInt8](repeating: 48, count: 10)
        var year = y
        for i in stride(from: 3, through: 0, by: -1) { out[i] = UInt8(48 + year % 10); year /= 10 }
        out[4] = UInt8(ascii: "-"); out[5] = UInt8(48 + m / 10); out[6] = UInt8(48 + m % 10)
        out[7] = UInt8(ascii: "-"); out[8] = UInt8(48 + d / 10); out[9] = UInt8(48 + d % 10)
        return String(decoding: out, as: UTF8.self)
    }
}
