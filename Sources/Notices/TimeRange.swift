import Foundation
import HuiminCore

/// A `from`/`to` query pair: business days `YYYY-MM-DD` (Asia/Shanghai, both days included) or
/// ISO 8601 instants (from included, to excluded), as the staff reports take them.
public struct TimeRange: Sendable, Equatable {
    public var from: Date?
    public var to: Date?

    /// A year and a day, as the other staff reports allow.
    static let maxDays = 366

    public static func parse(from: String?, to: String?) throws -> TimeRange {
        let range = TimeRange(from: try from.map { try bound($0, end: false) }, to: try to.map { try bound($0, end: true) })
        if let a = range.from, let b = range.to, a >= b {
            throw AppError.invalid("range_invalid", "from must be before to.")
        }
        return range
    }

    /// Both ends required, at most `maxDays` apart.
    public static func report(from: String?, to: String?) throws -> (from: Date, to: Date) {
        let range = try parse(from: from, to: to)
        guard let a = range.from, let b = range.to, b.timeIntervalSince(a) <= TimeInterval(maxDays) * 86_400 else {
            throw AppError.invalid("range_invalid", "Give from and to (YYYY-MM-DD days or ISO 8601 instants), at most \(maxDays) days apart.")
        }
        return (a, b)
    }

    /// The instant a bound stands for; the end of a day is the next day's midnight.
    static func bound(_ text: String, end: Bool) throws -> Date {
        if BusinessCalendar.isDay(text), let day = end ? BusinessCalendar.adding(days: 1, to: text) : text,
           let instant = BusinessCalendar.instant(day: day, minutes: 0) {
            return instant
        }
        // With or without milliseconds: people type the short form.
        if let instant = ISO8601.date(text) ?? (try? Date(text, strategy: .iso8601)) { return instant }
        throw AppError.invalid("range_invalid", "'\(text)' is neither a YYYY-MM-DD day nor an ISO 8601 instant.")
    }
}
