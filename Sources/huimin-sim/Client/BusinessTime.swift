import Foundation
import HuiminCore

/// Days and times as a hospital in China reads them (Asia/Shanghai), relative to now. Scripts and
/// the load test publish schedules against a server running on the real clock, so every date
/// they use is worked out when they run, never written into a script.
enum BusinessTime {
    /// Where each period's sessions start in the simulator's schedules.
    static let periodStarts: [(period: String, minutes: Int)] = [("morning", 8 * 60), ("afternoon", 14 * 60), ("evening", 19 * 60)]

    /// Today's business day moved by `offset` days (or `from` moved by `offset`).
    static func day(offset: Int, from: String? = nil, now: Date = Date()) throws(SimFailure) -> String {
        let base = from ?? BusinessCalendar.day(of: now)
        guard BusinessCalendar.isDay(base), let day = BusinessCalendar.adding(days: offset, to: base) else {
            throw SimFailure("'\(base)' is not a day YYYY-MM-DD")
        }
        return day
    }

    /// The period whose sessions start soonest, at least `after` minutes from now: a booking can
    /// still be made for it (it has not started) and check-in opens within a day of now.
    static func nextPeriod(after minutes: Int, now: Date = Date()) -> (day: String, period: String, start: String) {
        let earliest = now.addingTimeInterval(TimeInterval(minutes * 60))
        for offset in 0...2 {
            let day = BusinessCalendar.adding(days: offset, to: BusinessCalendar.day(of: now))!
            for (period, start) in periodStarts {
                if let at = BusinessCalendar.instant(day: day, minutes: start), at >= earliest {
                    return (day, period, clock(start))
                }
            }
        }
        // Unreachable for any `after` under a day; the morning three days on is still a start.
        return (BusinessCalendar.adding(days: 3, to: BusinessCalendar.day(of: now))!, "morning", clock(8 * 60))
    }

    /// The next whole minute at least `margin` seconds away, as day and HH:mm: a deadline a
    /// script can set, act before, then wait out.
    static func nextMinute(margin: TimeInterval = 5, now: Date = Date()) -> (day: String, time: String, at: Date) {
        let shifted = now.addingTimeInterval(margin)
        let seconds = shifted.timeIntervalSince1970
        let at = Date(timeIntervalSince1970: (seconds / 60).rounded(.up) * 60)
        return (BusinessCalendar.day(of: at), clock(BusinessCalendar.minuteOfDay(at)), at)
    }

    /// The instant of `day` at `time` (HH:mm) in Asia/Shanghai.
    static func instant(day: String, time: String) throws(SimFailure) -> Date {
        guard let minutes = minutes(time), let at = BusinessCalendar.instant(day: day, minutes: minutes) else {
            throw SimFailure("'\(day) \(time)' is not a day YYYY-MM-DD and a time HH:mm")
        }
        return at
    }

    /// The period a segment starting at `minutes` past midnight belongs to.
    static func period(startingAt minutes: Int) -> String {
        minutes < 12 * 60 ? "morning" : minutes < 18 * 60 ? "afternoon" : "evening"
    }

    static func minutes(_ time: String) -> Int? {
        let parts = time.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        return h * 60 + m
    }

    static func clock(_ minutes: Int) -> String {
        String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }
}
