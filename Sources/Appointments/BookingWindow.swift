import Foundation
import HuiminCore

/// When a segment may be booked online, by the hospital's release policy. All wall-clock rules
/// are read in Asia/Shanghai: "release at 07:00" is 23:00 UTC the day before.
public enum BookingWindow {
    /// Nil when a segment of `day`/`period` starting at `startsAt` may be booked at `now`;
    /// otherwise the rule that closes it.
    public static func closedReason(policy: BookingPolicy, now: Date, day: String, period: Period, startsAt: Date) -> AppError? {
        let today = BusinessCalendar.day(of: now)
        let minute = BusinessCalendar.minuteOfDay(now)
        guard let offset = BusinessCalendar.daysBetween(today, day) else {
            return AppError.invalid("day_invalid", "A day is written YYYY-MM-DD.")
        }
        if startsAt <= now || offset < 0 {
            return AppError.rule("slot_started", "This time segment has already started.")
        }
        if let blackout = policy.blackout, let start = ClockTime(blackout.start), let end = ClockTime(blackout.end),
           inWindow(minute, start.minutes, end.minutes) {
            return AppError.rule("booking_blackout", "Online booking pauses every night from \(blackout.start) to \(blackout.end).")
        }
        if offset > policy.horizonDays || (offset == policy.horizonDays && minute < (ClockTime(policy.releaseTime)?.minutes ?? 0)) {
            let release = BusinessCalendar.adding(days: -policy.horizonDays, to: day) ?? day
            return AppError.rule("day_not_released", "Places for \(day) are released on \(release) at \(policy.releaseTime).")
        }
        if offset == 0 {
            guard policy.sameDay.allowed else {
                return AppError.rule("same_day_closed", "This hospital takes no same-day bookings online.")
            }
            let cutoff = policy.sameDay.cutoff(for: period)
            if minute >= (ClockTime(cutoff)?.minutes ?? 0) {
                return AppError.rule("same_day_closed", "Same-day booking for this period closed at \(cutoff).")
            }
        }
        if offset == 1, minute >= (ClockTime(policy.tomorrowCutoff)?.minutes ?? 24 * 60) {
            return AppError.rule("booking_closed", "Booking for tomorrow closed at \(policy.tomorrowCutoff) today.")
        }
        return nil
    }

    /// The last moment a resident may cancel without breaking the rule: `daysBefore` days ahead
    /// at the policy's time; for a booking made inside that window (same-day and late bookings),
    /// the segment's start.
    public static func cancelDeadline(policy: BookingPolicy, day: String, startsAt: Date, bookedAt: Date) -> Date {
        let deadlineDay = BusinessCalendar.adding(days: -policy.cancelDeadline.daysBefore, to: day) ?? day
        let minutes = ClockTime(policy.cancelDeadline.time)?.minutes ?? 0
        let deadline = BusinessCalendar.instant(day: deadlineDay, minutes: minutes) ?? startsAt
        return bookedAt >= deadline || deadline > startsAt ? startsAt : deadline
    }

    /// True when `minute` falls in [start, end), wrapping past midnight when end < start.
    static func inWindow(_ minute: Int, _ start: Int, _ end: Int) -> Bool {
        start <= end ? (minute >= start && minute < end) : (minute >= start || minute < end)
    }
}
