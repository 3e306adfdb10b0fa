import Foundation
import Synchronization

/// What the fake WeChat Pay remembers: orders, refunds, bill download tokens, the notifications
/// it built, and the knobs tests arm (notification behaviour, held refunds, API faults).
final class FakeWeChatPayLedger: Sendable {
    struct Order: Sendable {
        var appid: String
        var mchid: String
        var description: String
        var outTradeNo: String
        var timeExpire: Date?
        var attach: String?
        var notifyURL: String
        var totalFen: Int64
        var openid: String
        var createdAt: Date
        /// NOTPAY, SUCCESS, REFUND or CLOSED.
        var state: String
        var transactionID: String?
        var successTime: Date?
        var payerFen: Int64?
        var refundNos: [String] = []
    }

    struct Refund: Sendable {
        var outRefundNo: String
        var refundID: String
        var outTradeNo: String
        var transactionID: String
        var refundFen: Int64
        var totalFen: Int64
        /// PROCESSING, SUCCESS, ABNORMAL or CLOSED.
        var status: String
        var createdAt: Date
        var successTime: Date?
        var notifyURL: String?
        var reason: String?
    }

    /// One notification as built: exact body and headers, so a resend is a byte-for-byte replay.
    struct Notification: Sendable {
        var id: String
        var eventType: String
        var url: String
        var headers: [(String, String)]
        var body: [UInt8]
    }

    /// One attempt to deliver a notification, as tests inspect it.
    struct Delivery: Sendable {
        var notificationID: String
        var eventType: String
        var mode: String
        /// Huimin's HTTP status; nil when dropped, not yet sent or unreachable.
        var status: Int?
        var at: Date
    }

    struct BillFile: Sendable {
        var bytes: [UInt8]
        var expires: Date
    }

    enum NotificationMode: String, Codable, Sendable {
        case normal, drop, duplicate, delay, alter, probe
    }

    typealias NotificationPlan = SandboxNotificationPlan<NotificationMode>

    enum FaultKind: String, Codable, Sendable {
        /// Hold the request past the client's timeout.
        case timeout
        /// Answer `{code, message}` with the given HTTP status.
        case error
        /// Answer 200 without the Wechatpay-* signature headers.
        case unsigned
        /// Answer with a `WECHATPAY/SIGNTEST/` probe signature.
        case signtest
        /// Answer with a signature that does not verify.
        case badsignature
        /// The next trade bill answers announce a hash_value that does not match the file.
        case billhash
    }

    struct Fault: Sendable {
        var kind: FaultKind
        var code: String
        var status: Int
        var remaining: Int
    }

    struct State {
        var orders: [String: Order] = [:]
        var refunds: [String: Refund] = [:]
        var bills: [String: BillFile] = [:]
        /// The last notification built per trade number.
        var lastNotification: [String: Notification] = [:]
        var deliveries: [String: [Delivery]] = [:]
        var plan: NotificationPlan?
        var heldRefunds = 0
        var corruptBillHashes = 0
        var fault: Fault?
    }

    let state = Mutex(State())

    func withState<T>(_ body: (inout State) throws -> T) rethrows -> T {
        try state.withLock { try body(&$0) }
    }

    /// The behaviour of the next notification; each one uses up one of the armed count.
    func takeNotificationMode() -> (NotificationMode, Int) {
        state.withLock { NotificationPlan.take(&$0.plan, normal: .normal) }
    }

    func takeFault() -> Fault? {
        state.withLock { state in
            guard var fault = state.fault, fault.remaining > 0 else { return nil }
            fault.remaining -= 1
            state.fault = fault.remaining > 0 ? fault : nil
            return fault
        }
    }

    func record(_ delivery: Delivery, outTradeNo: String) {
        state.withLock { $0.deliveries[outTradeNo, default: []].append(delivery) }
    }
}
