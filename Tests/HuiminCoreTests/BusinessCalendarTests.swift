import Foundation
import Testing
@testable import HuiminCore

/// The business calendar's integer arithmetic must agree with Foundation's Asia/Shanghai calendar,
/// which knows the zone's real rules.
@Suite struct BusinessCalendarTests {
    @Test func agreesWithTheZoneFrom1992To2100() {
        let calendar = BusinessCalendar.calendar
        var date = Date(timeIntervalSince1970: 694_224_000)  // 1992-01-01
        let end = Date(timeIntervalSince1970: 4_102_444_800)  // 2100-01-01
        var checked = 0
        while date < end {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            let expected = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
            #expect(BusinessCalendar.day(of: date) == expected)
            #expect(BusinessCalendar.minuteOfDay(date) == c.hour! * 60 + c.minute!)
            let midnight = calendar.date(from: DateComponents(year: c.year, month: c.month, day: c.day))!
            #expect(BusinessCalendar.instant(day: expected, minutes: 0) == midnight)
            checked += 1
            date = date.addingTimeInterval(86_400 * 3 + 3_607)  // walks through every hour of the day over time
        }
        #expect(checked > 12_000)
    }

    @Test func dayArithmetic() {
        #expect(BusinessCalendar.adding(days: 1, to: "2028-02-28") == "2028-02-29")
        #expect(BusinessCalendar.adding(days: 1, to: "2100-02-28") == "2100-03-01")
        #expect(BusinessCalendar.adding(days: -1, to: "2027-01-01") == "2026-12-31")
        #expect(BusinessCalendar.daysBetween("2026-11-30", "2026-12-08") == 8)
        #expect(BusinessCalendar.daysBetween("2026-12-08", "2026-11-30") == -8)
        #expect(BusinessCalendar.age(birthDate: "2012-03-01", on: "2026-02-28") == 13)
        #expect(BusinessCalendar.age(birthDate: "2012-03-01", on: "2026-03-01") == 14)
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "20261201", "2026-12-0a", ""] {
            #expect(BusinessCalendar.parse(bad) == nil, "\(bad)")
        }
        // 07:00 in Shanghai is 23:00 UTC the day before.
        #expect(BusinessCalendar.instant(day: "2026-12-01", minutes: 7 * 60) == ISO8601.date("2026-11-30T23:00:00.000Z"))
    }
}

@Suite struct ISO8601TextTests {
    /// The hand-written form must read back as the same instant, to the millisecond.
    @Test func roundTripsThroughFoundationsParser() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: (Double.random(in: 0..<4_102_444_800, using: &generator) * 1000).rounded() / 1000)
            let text = ISO8601.string(date)
            #expect(text.count == 24 && text.hasSuffix("Z"))
            #expect(ISO8601.date(text).map { abs($0.timeIntervalSince(date)) < 0.0005 } == true, "\(text)")
        }
        #expect(ISO8601.string(Date(timeIntervalSince1970: 1_795_000_000.25)) == "2026-11-18T11:06:40.250Z")
    }
}
