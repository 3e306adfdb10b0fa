import Foundation
import Synchronization

/// Per-number flow control (流控) as Aliyun applies it on the mainland, by template type:
/// verification codes, per signature and number, at most 1 a minute, 5 an hour and 10 a day (and
/// 40 a day to one number whatever the signature); notifications, per signature, template and
/// number, at most 50 a day. A "day" is the last 24 hours, and a send counts once accepted,
/// whether or not it is delivered.
final class SMSRateLimiter: Sendable {
    enum Kind: Sendable {
        case verification, notification
    }

    struct Window {
        let seconds: TimeInterval
        let limit: Int
        let message: String
    }

    static let verificationWindows = [
        Window(seconds: 60, limit: 1, message: "触发分钟级流控Permits:1"),
        Window(seconds: 3600, limit: 5, message: "触发小时级流控Permits:5"),
        Window(seconds: 86_400, limit: 10, message: "触发天级流控Permits:10"),
    ]
    /// Verification codes to one number through any signature.
    static let numberWindows = [Window(seconds: 86_400, limit: 40, message: "触发天级流控Permits:40")]
    static let notificationWindows = [Window(seconds: 86_400, limit: 50, message: "触发天级流控Permits:50")]

    /// Send times per counting key, pruned to the last day on each send (so at most a day's worth each).
    private let sent = Mutex<[String: [Date]]>([:])

    /// Records a send to every number and returns nil, or returns the first limit one of them
    /// would exceed and records nothing.
    func admit(_ numbers: [String], signName: String, templateCode: String, kind: Kind, at now: Date) -> String? {
        let counted = numbers.flatMap { number -> [(key: String, windows: [Window])] in
            switch kind {
            case .verification:
                [("v|\(signName)|\(number)", Self.verificationWindows), ("n|\(number)", Self.numberWindows)]
            case .notification:
                [("t|\(signName)|\(templateCode)|\(number)", Self.notificationWindows)]
            }
        }
        return sent.withLock { sent in
            for (key, windows) in counted {
                let history = sent[key] ?? []
                for window in windows
                where history.reduce(0, { $0 + (now.timeIntervalSince($1) < window.seconds ? 1 : 0) }) >= window.limit {
                    return window.message
                }
            }
            for (key, _) in counted {
                sent[key, default: []].removeAll { now.timeIntervalSince($0) >= 86_400 }
                sent[key, default: []].append(now)
            }
            return nil
        }
    }
}
