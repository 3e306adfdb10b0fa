import Database
import Foundation
import HuiminCore

/// The rules that decide whether this patient may book this segment, apart from capacity (which
/// the store enforces in the booking's transaction).
enum BookingRules {
    /// 儿科 / 妇产科 and the like: the department's age and sex limits, checked on the visit day.
    static func checkPatient(sex: String, birthDate: String, context: SlotContext) throws {
        if let required = context.sex, required != sex {
            let who = required == "female" ? "women" : "men"
            throw AppError.rule("sex_restricted", "\(context.departmentName) sees \(who) only.")
        }
        guard context.minAge != nil || context.maxAge != nil else { return }
        guard let age = BusinessCalendar.age(birthDate: birthDate, on: context.day) else { return }
        if let minAge = context.minAge, age < minAge {
            throw AppError.rule("age_restricted", "\(context.departmentName) sees patients aged \(minAge) or over.")
        }
        if let maxAge = context.maxAge, age > maxAge {
            throw AppError.rule("age_restricted", "\(context.departmentName) sees patients up to \(maxAge) years old.")
        }
    }

    /// What one patient may hold at once, by the resource's kind: outpatient registration one per
    /// department and day (一天同一科室限约1次); an exam, lab draw or check-up package one per
    /// resource and day; a bed one at a time at the hospital, whatever the day (入院预约).
    static func limit(_ context: SlotContext) -> (key: String, anyDay: Bool) {
        switch context.kind {
        case "outpatient": (context.departmentId, false)
        case "bed": ("bed:" + context.hospitalCode, true)
        default: (context.resourceId, false)
        }
    }

    /// Unpaid locks and bookings whose doctor was replaced may be cancelled until the segment
    /// starts; others until the hospital's deadline.
    static func cancelDeadline(_ booking: BookingRow, context: SlotContext, policy: BookingPolicy) -> Date {
        if booking.state == "locked" || booking.substituted { return context.startsAt }
        return BookingWindow.cancelDeadline(policy: policy, day: booking.day, startsAt: context.startsAt, bookedAt: booking.createdAt)
    }

    /// When the day-before reminder for a visit on `day` goes out.
    static func reminderTime(day: String, policy: BookingPolicy) -> Date {
        let before = BusinessCalendar.adding(days: -1, to: day) ?? day
        return BusinessCalendar.instant(day: before, minutes: ClockTime(policy.reminderTime)?.minutes ?? 18 * 60) ?? .distantPast
    }
}
