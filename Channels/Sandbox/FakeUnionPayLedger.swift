import Foundation
import HuiminCore
import Synchronization

/// Who the sandbox UnionPay merchant is. `UnionPay.UnionPayConfiguration.Sandbox` says the same.
public struct UnionPaySandboxSettings: Sendable {
    /// `merId`: 15 digits.
    public var merchantID = "777290058110097"
    /// The merchant signing certificate's serial (`certId`); requests naming another are refused.
    public var certID = "69629715588"
    /// UnionPay's own signing certificate's serial.
    public var unionPayCertID = "69042905377"
    /// 商户手续费 in thousandths of the amount (0.6%), rounded half up to whole fen.
    public var feePerMille: Int64 = 6
    /// How far back bills can be fetched.
    public var billRetentionDays = 365
    /// Clearing days end at this minute of the Beijing day (23:00).
    public var cutoffMinute = 23 * 60

    public init() {}
}

/// What the fake UnionPay remembers: every transaction by orderId (consumes and refunds alike, as
/// UnionPay keeps them), the notifications it built and their deliveries, and the plan tests arm.
final class FakeUnionPayLedger: Sendable {
    enum Status: String, Sendable {
        /// A consume the payer has not paid (yet); `expired` once its payTimeout passed unpaid.
        case waiting, paid, expired
        /// A refund, done.
        case refunded
    }

    struct Transaction: Sendable {
        var orderID: String
        var txnTime: String
        /// `01` consume, `04` refund.
        var txnType: String
        var amountFen: Int64
        var backURL: String?
        var reserved: String?
        var createdAt: Date
        var payTimeout: Date?
        var tn: String?
        var status: Status
        /// Set once money moved: UnionPay's id, trace, the moment and the clearing day (YYYY-MM-DD).
        var queryID: String?
        var traceNo: String?
        var at: Date?
        var clearingDay: String?
        /// A refund's payment.
        var origQueryID: String?
        /// A consume's refunds so far.
        var refundedFen: Int64 = 0
        var refundOrderIDs: [String] = []
    }

    /// One notification as built: the exact form body.
    struct Notification: Sendable {
        var orderID: String
        var url: String?
        var body: [UInt8]
    }

    struct Delivery: Sendable {
        var orderID: String
        var mode: String
        /// Huimin's HTTP status; nil when dropped, delayed, unreachable or there is no backUrl.
        var status: Int?
        var at: Date
        var body: String
    }

    enum NotificationMode: String, Codable, Sendable {
        /// normal; not sent; sent twice; sent later; changed after signing (txnAmt).
        case normal, drop, duplicate, delay, alter
    }

    typealias NotificationPlan = SandboxNotificationPlan<NotificationMode>

    struct State {
        var transactions: [String: Transaction] = [:]
        /// queryId -> orderId.
        var byQueryID: [String: String] = [:]
        /// Keyed by the orderId the delivery is about (a consume's or a refund's).
        var deliveries: [String: [Delivery]] = [:]
        var plan: NotificationPlan?
        var nextTrace = 100_001
    }

    let state = Mutex(State())

    func withState<T>(_ body: (inout State) throws -> T) rethrows -> T {
        try state.withLock { try body(&$0) }
    }

    /// The behaviour of the next notification; each one uses up one of the armed count.
    func takeNotificationMode() -> (NotificationMode, Int) {
        state.withLock { NotificationPlan.take(&$0.plan, normal: .normal) }
    }

    func record(_ delivery: Delivery) {
        state.withLock { $0.deliveries[delivery.orderID, default: []].append(delivery) }
    }
}
