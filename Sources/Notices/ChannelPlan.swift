import Foundation
import HuiminCore

/// The push channels a message tries, in order. A WeChat account: the mini-program subscribe
/// message (needs a consent), the official account's template message, then SMS. An Alipay
/// account: the Alipay mini-program message (needs a form ID), then SMS. A resident's preference
/// narrows and orders these; an urgent event (停诊, 替诊) still tries every channel the account
/// can use, the preferred ones first, because it must reach them.
public enum ChannelPlan {
    public static func make(accountChannel: String?, preference: [String]?, urgent: Bool) -> [String] {
        let usable = PushChannels.defaultOrder(accountChannel: accountChannel ?? "").map(\.rawValue)
        guard let preference else { return usable }
        let preferred = preference.filter(usable.contains)
        return urgent ? preferred + usable.filter { !preferred.contains($0) } : preferred
    }
}

/// Quiet hours (免打扰): a non-urgent message due inside them waits until they end.
public enum QuietHours {
    /// When a message due at `now` may go out; nil when it may go now.
    public static func holdUntil(_ now: Date, hours: (start: Int, end: Int)?) -> Date? {
        guard let hours else { return nil }
        let minute = BusinessCalendar.minuteOfDay(now)
        let inside = hours.start < hours.end ? (hours.start..<hours.end).contains(minute)
                                             : minute >= hours.start || minute < hours.end
        guard inside else { return nil }
        let today = BusinessCalendar.day(of: now)
        let day = hours.start > hours.end && minute >= hours.start ? BusinessCalendar.adding(days: 1, to: today) ?? today : today
        return BusinessCalendar.instant(day: day, minutes: hours.end)
    }
}
