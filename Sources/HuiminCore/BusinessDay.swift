import Foundation

/// Business calendar days (appointment dates, bill dates) are Asia/Shanghai calendar days,
/// whatever the server's own time zone is.
public enum BusinessCalendar {
    public static let timeZone = TimeZone(identifier: "Asia/Shanghai")!

    /// Made once: building a Calendar (and its ICU state) costs more than the whole date sum
    /// it is used for, and bookings do several such sums per request.
    public static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        return c
    }()

    /// `YYYY-MM-DD` of the business day that contains `date`.
    public static func day(of date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// The components of a `YYYY-MM-DD` day, or nil when it is not a real calendar day.
    public static func parse(_ day: String) -> (year: Int, month: Int, day: Int)? {
        let parts = day.split(separator: "-", omittingEmptySubsequences: false)
        guard day.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
              Self.day(of: date) == day else { return nil }
        return (y, m, d)
    }

    public static func isDay(_ text: String) -> Bool { parse(text) != nil }

    /// The instant `minutes` after midnight of `day` in Asia/Shanghai (China keeps no DST, but
    /// this resolves the wall-clock time in the zone rather than adding an offset).
    public static func instant(day: String, minutes: Int) -> Date? {
        guard let (y, m, d) = parse(day) else { return nil }
        return calendar.date(from: DateComponents(year: y, month: m, day: d, hour: minutes / 60, minute: minutes % 60))
    }

    /// Minutes since the business day's midnight at `date`.
    public static func minuteOfDay(_ date: Date) -> Int {
        let c = calendar.dateComponents([.hour, .minute], from: date)
        return c.hour! * 60 + c.minute!
    }

    /// `day` moved by `days` calendar days.
    public static func adding(days: Int, to day: String) -> String? {
        guard let start = instant(day: day, minutes: 12 * 60),
              let moved = calendar.date(byAdding: .day, value: days, to: start) else { return nil }
        return Self.day(of: moved)
    }

    /// Whole calendar days from `from` to `to` (negative when `to` is earlier).
    public static func daysBetween(_ from: String, _ to: String) -> Int? {
        guard let a = instant(day: from, minutes: 12 * 60), let b = instant(day: to, minutes: 12 * 60) else { return nil }
        return calendar.dateComponents([.day], from: a, to: b).day
    }

    /// Full years of age on `day` for someone born on `birthDate` (both `YYYY-MM-DD`).
    public static func age(birthDate: String, on day: String) -> Int? {
        guard let b = parse(birthDate), let d = parse(day) else { return nil }
        var years = d.year - b.year
        if (d.month, d.day) < (b.month, b.day) { years -= 1 }
        return years
    }
}
