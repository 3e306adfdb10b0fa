import Foundation
import Synchronization

/// Per-number flow control (流控) as the SMS gateway applies it to verification messages:
/// at most 1 a minute, 5 an hour and 10 a day to the same number.
final class SMSRateLimiter: Sendable {
    static let windows: [(seconds: TimeInterval, limit: Int, message: String)] = [
        (60, 1, "触发分钟级流控Permits:1"),
        (3600, 5, "触发小时级流控Permits:5"),
        (86_400, 10, "触发天级流控Permits:10"),
    ]

    private let sent = Mutex<[String: [Date]]>([:])

    /// Records a send to every number and returns nil, or returns the first limit one of them
    /// would exceed and records nothing.
    func admit(_ numbers: [String], at now: Date) -> String? {
        sent.withLock { sent in
            for number in numbers {
                let history = sent[number, default: []]
                for window in Self.windows
                where history.filter({ now.timeIntervalSince($0) < window.seconds }).count >= window.limit {
                    return window.message
                }
            }
            for number in numbers {
                sent[number, default: []] = sent[number, default: []].filter { now.timeIntervalSince($0) < 86_400 } + [now]
            }
            return nil
        }
    }
}
