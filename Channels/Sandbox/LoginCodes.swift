import Foundation
import Synchronization

/// One-time login codes as WeChat and Alipay issue them: each redeems once, and only within the
/// TTL after issue. Redeeming removes the code whether or not it had expired.
final class LoginCodes: Sendable {
    private struct Issued {
        let userID: String
        let issuedAt: Date
    }

    private let ttl: TimeInterval
    private let issued = Mutex<[String: Issued]>([:])

    init(ttl: TimeInterval) {
        self.ttl = ttl
    }

    func issue(code: String, userID: String, at now: Date) {
        issued.withLock { $0[code] = Issued(userID: userID, issuedAt: now) }
    }

    /// The user the code was issued for, or nil when it is unknown, used or expired.
    func redeem(_ code: String, at now: Date) -> String? {
        guard let entry = issued.withLock({ $0.removeValue(forKey: code) }),
              now.timeIntervalSince(entry.issuedAt) <= ttl else { return nil }
        return entry.userID
    }
}
