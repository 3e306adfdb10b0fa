import Foundation
import HuiminCore

/// A hospital's booking rules (放号, cut-offs, on-site share, locks, cancellation, check-in,
/// no-show blocking). Hospitals differ in every one of these, so none is a constant: a hospital
/// sets its policy and a department may override any part of it.
public struct BookingPolicy: Codable, Sendable, Equatable {
    /// 预约周期: how many days ahead a day becomes bookable (7, 14, 28 …).
    public var horizonDays: Int = 7
    /// 放号时间: at this Asia/Shanghai time each day, the day `horizonDays` ahead opens.
    public var releaseTime: String = "07:00"
    /// Nightly window with no booking at all (settlement, maintenance); nil for none.
    public var blackout: TimeWindow? = TimeWindow(start: "00:00", end: "06:30")
    /// Booking for tomorrow stops at this time today.
    public var tomorrowCutoff: String = "17:00"
    /// 当日挂号: whether today's sessions may be booked online, and until when per period.
    public var sameDay: SameDay = SameDay()
    /// Share of each segment's places kept for on-site and elderly patients, in percent.
    public var onSiteSharePercent: Int = 20
    /// Patients this old or older may book the kept places online too.
    public var elderlyAge: Int = 60
    /// 锁号: minutes a paid segment's place is held while the resident pays.
    public var lockMinutes: Int = 15
    /// 退号 deadline: `daysBefore` days before the visit at `time`; same-day bookings may be
    /// cancelled until their segment starts.
    public var cancelDeadline: CancelDeadline = CancelDeadline()
    /// At most this many live bookings per patient at this hospital.
    public var maxActiveBookings: Int = 5
    /// 扫码报到 window around the segment's start.
    public var checkIn: CheckInWindow = CheckInWindow()
    /// 爽约: minutes after the segment's end before an unchecked booking counts as missed, and
    /// the blocking rule.
    public var noShow: NoShowRule = NoShowRule()
    /// 候诊: a near-turn notice goes out when this many are ahead; waits are estimated with the
    /// session's mean consultation time, or this default before anyone has been seen.
    /// The day-before reminder goes out at this time.
    public var reminderTime: String = "18:00"
    public var nearTurnAhead: Int = 3
    public var consultMinutes: Int = 8

    public init() {}

    public struct TimeWindow: Codable, Sendable, Equatable {
        public var start: String
        public var end: String
        public init(start: String, end: String) {
            self.start = start
            self.end = end
        }
    }

    public struct SameDay: Codable, Sendable, Equatable {
        public var allowed: Bool = true
        public var morningCutoff: String = "11:00"
        public var afternoonCutoff: String = "16:00"
        public var eveningCutoff: String = "20:00"
        public init() {}

        public func cutoff(for period: Period) -> String {
            switch period {
            case .morning: morningCutoff
            case .afternoon: afternoonCutoff
            case .evening: eveningCutoff
            }
        }
    }

    public struct CancelDeadline: Codable, Sendable, Equatable {
        public var daysBefore: Int = 1
        public var time: String = "18:00"
        public init() {}
    }

    public struct CheckInWindow: Codable, Sendable, Equatable {
        public var minutesBefore: Int = 60
        public var minutesAfter: Int = 15
        public init() {}
    }

    public struct NoShowRule: Codable, Sendable, Equatable {
        public var graceMinutes: Int = 30
        /// This many offences within `windowDays` block booking for `blockDays`.
        public var threshold: Int = 3
        public var windowDays: Int = 90
        public var blockDays: Int = 90
        /// Some hospitals count cancellations after the deadline's day starts (当日退号) too.
        public var countLateCancellations: Bool = false
        public init() {}
    }

    /// Refuses a policy a hospital could not mean: times that are not HH:mm, horizons and limits
    /// out of range.
    public func validate() throws {
        func time(_ field: String, _ value: String) throws {
            guard ClockTime(value) != nil else {
                throw AppError.invalid("policy_invalid", "\(field) must be a time HH:mm, such as 07:00.")
            }
        }
        func range(_ field: String, _ value: Int, _ bounds: ClosedRange<Int>) throws {
            guard bounds.contains(value) else {
                throw AppError.invalid("policy_invalid", "\(field) must be between \(bounds.lowerBound) and \(bounds.upperBound).")
            }
        }
        try range("horizonDays", horizonDays, 1...90)
        try time("releaseTime", releaseTime)
        if let blackout {
            try time("blackout.start", blackout.start)
            try time("blackout.end", blackout.end)
        }
        try time("tomorrowCutoff", tomorrowCutoff)
        try time("sameDay.morningCutoff", sameDay.morningCutoff)
        try time("sameDay.afternoonCutoff", sameDay.afternoonCutoff)
        try time("sameDay.eveningCutoff", sameDay.eveningCutoff)
        try range("onSiteSharePercent", onSiteSharePercent, 0...100)
        try range("elderlyAge", elderlyAge, 0...150)
        try range("lockMinutes", lockMinutes, 1...120)
        try range("cancelDeadline.daysBefore", cancelDeadline.daysBefore, 0...30)
        try time("cancelDeadline.time", cancelDeadline.time)
        try range("maxActiveBookings", maxActiveBookings, 1...100)
        try range("checkIn.minutesBefore", checkIn.minutesBefore, 0...24 * 60)
        try range("checkIn.minutesAfter", checkIn.minutesAfter, 0...24 * 60)
        try range("noShow.graceMinutes", noShow.graceMinutes, 0...24 * 60)
        try range("noShow.threshold", noShow.threshold, 1...100)
        try range("noShow.windowDays", noShow.windowDays, 1...3650)
        try range("noShow.blockDays", noShow.blockDays, 0...3650)
        try time("reminderTime", reminderTime)
        try range("nearTurnAhead", nearTurnAhead, 1...100)
        try range("consultMinutes", consultMinutes, 1...240)
    }

    /// The hospital's policy with a department's partial override laid over it, key by key
    /// (nested objects merge too, so a department can change just `sameDay.allowed`).
    public static func effective(hospital: Data?, department: Data?) throws -> BookingPolicy {
        var merged = try JSONSerialization.jsonObject(with: JSONEncoder().encode(BookingPolicy())) as! [String: Any]
        for layer in [hospital, department].compactMap({ $0 }) {
            guard let object = try JSONSerialization.jsonObject(with: layer) as? [String: Any] else { continue }
            merged = merge(merged, object)
        }
        let data = try JSONSerialization.data(withJSONObject: merged)
        return try JSONDecoder().decode(BookingPolicy.self, from: data)
    }

    /// Checks a stored or submitted override: it must be a JSON object whose merge over the
    /// defaults is a valid policy.
    public static func checkOverride(_ data: Data, over base: Data? = nil) throws {
        guard (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
            throw AppError.invalid("policy_invalid", "A policy is a JSON object.")
        }
        let policy: BookingPolicy
        do {
            policy = try effective(hospital: base, department: data)
        } catch let error as AppError {
            throw error
        } catch {
            throw AppError.invalid("policy_invalid", "A policy field has the wrong type.")
        }
        try policy.validate()
    }

    private static func merge(_ base: [String: Any], _ overlay: [String: Any]) -> [String: Any] {
        var out = base
        for (key, value) in overlay {
            if let nested = value as? [String: Any], let current = out[key] as? [String: Any] {
                out[key] = merge(current, nested)
            } else {
                out[key] = value
            }
        }
        return out
    }
}

/// 上午 / 下午 / 晚间.
public enum Period: String, Codable, Sendable, CaseIterable {
    case morning, afternoon, evening
}

/// A wall-clock time of day (HH:mm) in the business time zone.
public struct ClockTime: Sendable, Comparable {
    public let minutes: Int

    public init?(_ text: String) {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m) else { return nil }
        minutes = h * 60 + m
    }

    public init(minutes: Int) {
        self.minutes = minutes
    }

    public static func < (a: ClockTime, b: ClockTime) -> Bool { a.minutes < b.minutes }
}
