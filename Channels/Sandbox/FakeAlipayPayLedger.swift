import Foundation
import Synchronization

/// Who the sandbox Alipay merchant is for the trade APIs.
public struct AlipayPaySandboxSettings: Sendable {
    /// The merchant's PID (`seller_id`, the bill's account); `Alipay.AlipayPayConfiguration.Sandbox.sellerID`
    /// says the same.
    public var sellerID = "2088000000000001"
    /// How long a bill download URL stays valid (Alipay: 30 seconds).
    public var billURLTTL: TimeInterval = 30
    /// How far back daily bills can be fetched.
    public var billRetentionDays = 900

    public init() {}
}

/// What the fake Alipay remembers about trades: trades, refunds, bill download tokens, the
/// notifications it built and their deliveries, and the notification plan tests arm.
final class FakeAlipayPayLedger: Sendable {
    struct Trade: Sendable {
        var outTradeNo: String
        var tradeNo: String
        var subject: String
        var totalFen: Int64
        var buyerID: String
        /// `buyer_open_id` (true) or a legacy `buyer_id` (false).
        var buyerIsOpenID: Bool
        var notifyURL: String?
        var passback: String?
        var createdAt: Date
        var timeExpire: Date?
        /// WAIT_BUYER_PAY, TRADE_SUCCESS, TRADE_CLOSED or TRADE_FINISHED.
        var status: String
        var paidAt: Date?
        var closedAt: Date?
        var refundedFen: Int64 = 0
        var refundNos: [String] = []
    }

    struct Refund: Sendable {
        var outTradeNo: String
        var outRequestNo: String
        var tradeNo: String
        var refundFen: Int64
        var reason: String?
        var at: Date
        /// Refunded on the trade after this one (refund_fee of its answer and notification).
        var refundedTotalFen: Int64
    }

    /// One notification as built: exact form body, so a resend is a byte-for-byte replay.
    struct Notification: Sendable {
        var notifyID: String
        var tradeStatus: String
        var url: String?
        var body: [UInt8]
    }

    struct Delivery: Sendable {
        var notifyID: String
        var tradeStatus: String
        var mode: String
        /// Huimin's HTTP status; nil when dropped, delayed, unreachable or there is no notify_url.
        var status: Int?
        /// Huimin's reply body; Alipay stops retrying only on the literal `success`.
        var reply: String?
        var at: Date
        var body: String
    }

    struct BillFile: Sendable {
        var name: String
        var bytes: [UInt8]
        var expires: Date
    }

    enum NotificationMode: String, Codable, Sendable {
        /// normal; not sent; sent twice; sent later; changed after signing; signed with sign_type
        /// included in the content (the classic bug, which a correct verifier refuses).
        case normal, drop, duplicate, delay, alter, signtype
    }

    typealias NotificationPlan = SandboxNotificationPlan<NotificationMode>

    struct State {
        var trades: [String: Trade] = [:]
        /// Keyed by `out_trade_no|out_request_no`.
        var refunds: [String: Refund] = [:]
        var bills: [String: BillFile] = [:]
        var lastNotification: [String: Notification] = [:]
        var deliveries: [String: [Delivery]] = [:]
        var plan: NotificationPlan?
    }

    let state = Mutex(State())

    func withState<T>(_ body: (inout State) throws -> T) rethrows -> T {
        try state.withLock { try body(&$0) }
    }

    static func refundKey(_ outTradeNo: String, _ outRequestNo: String) -> String {
        outTradeNo + "|" + outRequestNo
    }

    /// The behaviour of the next notification; each one uses up one of the armed count.
    func takeNotificationMode() -> (NotificationMode, Int) {
        state.withLock { NotificationPlan.take(&$0.plan, normal: .normal) }
    }

    func record(_ delivery: Delivery, outTradeNo: String) {
        state.withLock { $0.deliveries[outTradeNo, default: []].append(delivery) }
    }
}
