import Foundation

/// Scripts run against a server on the wall clock, and business days are Beijing days: a script
/// that pays at 23:59 and reconciles "today" at 00:00 would reconcile the wrong day. A script
/// about to start within `minutes` of Beijing midnight waits until just after it.
enum BusinessDayStart {
    static func awayFromMidnight(minutes: Int = 6) async throws {
        let secondsOfDay = (Int(Date().timeIntervalSince1970) + 8 * 3600) % 86_400
        let left = 86_400 - secondsOfDay
        if left <= minutes * 60 {
            try await Task.sleep(for: .seconds(left + 5))
        }
    }
}
