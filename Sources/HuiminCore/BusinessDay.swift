import Foundation

/// Business calendar days (appointment dates, bill dates) are Asia/Shanghai calendar days,
/// whatever the server's own time zone is.
public enum BusinessCalendar {
    public static let timeZone = TimeZone(identifier: "Asia/Shanghai")!

    public static var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = timeZone
        return c
    }

    /// `YYYY-MM-DD` of the business day that contains `date`.
    public static func day(of date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }
}
