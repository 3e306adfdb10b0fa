import Appointments
import Database
import Foundation
import HuiminCore
import Logging
import WeChatPay

/// Unified payment: residents pay what they owe through a channel; the channel's word (a
/// verified notification, or Huimin's own query when one is lost) marks the order paid and
/// fulfils it in the same transaction; refunds go back through the same channel.
public struct PaymentService: Sendable {
    let store: PaymentStore
    let wechatClient: WeChatPayClient?
    let clock: any HuiminClock
    let logger: Logger

    /// Channels residents can pay through today.
    static let channels: Set<String> = ["wechat"]

    public init(store: PaymentStore, wechat: WeChatPayClient?, clock: any HuiminClock, logger: Logger) {
        self.store = store
        self.wechatClient = wechat
        self.clock = clock
        self.logger = logger
    }

    var wechat: WeChatPayClient {
        get throws {
            guard let wechatClient else {
                throw AppError.unavailable("channel_not_configured", "WeChat Pay is not configured on this server.")
            }
            return wechatClient
        }
    }

    /// What the mini-program needs: the order, and the parameters for the channel's cashier
    /// (`wx.requestPayment`), absent once the order is no longer payable.
    public struct Checkout: Codable, Sendable {
        public var payment: PaymentView
        public var requestPayment: [String: String]?
    }

    /// Pays a locked booking's registration fee (挂号费). The same Idempotency-Key, or asking again
    /// for the same booking while its order is open, answers with the same order and a fresh
    /// prepay for it.
    public func payRegistration(accountID: String, payerOpenID: String?, bookingID: String, channel: String,
                                idempotencyKey: String?) async throws -> (checkout: Checkout, created: Bool) {
        if let key = idempotencyKey, key.isEmpty || key.count > 64 {
            throw AppError.invalid("idempotency_key_invalid", "An Idempotency-Key is 1 to 64 characters.")
        }
        guard Self.channels.contains(channel) else {
            throw AppError.invalid("channel_invalid", "Pay through one of: \(Self.channels.sorted().joined(separator: ", ")).")
        }
        guard let openID = payerOpenID else {
            throw AppError.rule("channel_not_available", "WeChat Pay needs an account that signed in through WeChat.")
        }
        let now = clock.now()
        let request = PaymentStore.OrderRequest(
            accountID: accountID, channel: channel, idempotencyKey: idempotencyKey,
            requestDigest: Digest.sha256Hex(Array("registration\u{1F}\(bookingID)\u{1F}\(channel)".utf8)),
            tradeNo: TradeNumber.make("P", at: now), orderID: TypedID.ordered("pay", at: now))
        let opened = try await store.openRegistrationOrder(request, bookingID: bookingID, now: now)
        var order = opened.order
        var requestPayment: [String: String]?
        if PaymentOrderRow.openStates.contains(order.state) {
            let prepay = try await wechat.prepay(WeChatPayOrder(
                outTradeNo: order.tradeNo, description: order.description, amountFen: order.amountFen, payerOpenID: openID,
                expiresAt: order.expiresAt, attach: order.id))
            order = try await store.markPaying(orderID: order.id, prepayID: prepay.prepayID, now: clock.now())
            requestPayment = prepay.requestPayment
        }
        return (Checkout(payment: PaymentView(order, refunds: try await store.refunds(orderID: order.id)), requestPayment: requestPayment),
                !opened.existing)
    }

    // MARK: Reading

    public func payments(accountID: String) async throws -> [PaymentView] {
        var views: [PaymentView] = []
        for order in try await store.orders(accountID: accountID) {
            views.append(PaymentView(order, refunds: try await store.refunds(orderID: order.id)))
        }
        return views
    }

    public func payment(accountID: String, paymentID: String) async throws -> PaymentView {
        guard let order = try await store.order(id: paymentID), order.accountId == accountID else {
            throw AppError.notFound("payment_not_found", "No such payment order.")
        }
        return PaymentView(order, refunds: try await store.refunds(orderID: order.id))
    }

    /// For cashiers: any order. A resident's payment is their record, so the reading is audited.
    public func payment(id: String, actor: AuditActor) async throws -> PaymentView {
        let view = try await payment(id: id)
        try await store.auditRead(orderID: id, actor: actor, now: clock.now())
        return view
    }

    func payment(id: String) async throws -> PaymentView {
        guard let order = try await store.order(id: id) else {
            throw AppError.notFound("payment_not_found", "No such payment order.")
        }
        return PaymentView(order, refunds: try await store.refunds(orderID: order.id))
    }

    // MARK: Merchants

    static let merchantChannels: Set<String> = ["wechat", "alipay", "unionpay", "insurance"]

    public func saveMerchant(hospitalCode: String, campusID: String, channel: String, merchantNo: String, appID: String,
                             actor: AuditActor) async throws -> MerchantRow {
        guard Self.merchantChannels.contains(channel) else {
            throw AppError.invalid("channel_invalid", "channel is one of \(Self.merchantChannels.sorted().joined(separator: ", ")).")
        }
        guard !hospitalCode.isEmpty, (1...32).contains(merchantNo.count), merchantNo.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw AppError.invalid("merchant_invalid", "Give the hospital code and the channel's merchant number (1 to 32 characters).")
        }
        return try await store.saveMerchant(hospitalCode: hospitalCode, campusID: campusID, channel: channel, merchantNo: merchantNo,
                                            appID: appID, actor: actor, now: clock.now())
    }

    // MARK: Refunds by staff

    /// A cashier refunds part or all of a paid order (e.g. a fee charged in error); audited. The
    /// refund is sent to the channel at once and retried by the sweeper until it answers.
    public func refund(paymentID: String, amountFen: Int64, reason: String, idempotencyKey: String?,
                       actor: AuditActor) async throws -> PaymentView {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 80 else {
            throw AppError.invalid("refund_reason_invalid", "Give a reason of 1 to 80 characters; the payer sees it.")
        }
        let refund = try await store.requestRefund(orderID: paymentID, amountFen: amountFen, reason: trimmed, cause: "staff",
                                                   idempotencyKey: idempotencyKey, actor: actor, now: clock.now())
        if let order = try await store.order(id: paymentID), refund.state == "requested" {
            await send(refund, order: order)
        }
        return try await payment(id: paymentID)
    }

    /// Sends one refund to its channel and records the answer. Failures to reach the channel
    /// leave it for the next attempt, with growing pauses.
    func send(_ refund: PaymentRefundRow, order: PaymentOrderRow) async {
        let now = clock.now()
        do {
            let answer = if refund.state == "processing" {
                try await wechat.queryRefund(outRefundNo: refund.refundNo)
            } else {
                try await wechat.refund(WeChatPayRefundRequest(outTradeNo: order.tradeNo, outRefundNo: refund.refundNo,
                                                               refundFen: refund.amountFen, totalFen: order.paidFen, reason: refund.reason))
            }
            try await record(answer, refundID: refund.id, now: now)
        } catch let error as AppError where error.status < 500 && error.code != "wechatpay_frequency_limited" {
            // The channel refused it for good (e.g. the order is too old): a cashier must act.
            logger.error("refund refused by channel", metadata: ["refund": "\(refund.refundNo)", "code": "\(error.code)"])
            _ = try? await store.finishRefund(refundNo: refund.refundNo, end: .abnormal, channelRefundID: nil, at: now, now: now)
        } catch {
            let pause = min(3600, 30 * (1 << min(refund.attempts, 7)))
            logger.warning("refund attempt failed", metadata: ["refund": "\(refund.refundNo)", "error": "\(error)"])
            try? await store.refundAttemptFailed(refundID: refund.id, error: "\(error)",
                                                 nextAttemptAt: now.addingTimeInterval(TimeInterval(pause)), now: now)
        }
    }

    func record(_ answer: WeChatPayRefund, refundID: String, now: Date) async throws {
        switch answer.status {
        case "SUCCESS":
            try await store.finishRefund(refundNo: answer.outRefundNo, end: .succeeded, channelRefundID: answer.refundID,
                                         at: answer.successTime ?? now, now: now)
        case "CLOSED":
            try await store.finishRefund(refundNo: answer.outRefundNo, end: .failed, channelRefundID: answer.refundID, at: now, now: now)
        case "ABNORMAL":
            try await store.finishRefund(refundNo: answer.outRefundNo, end: .abnormal, channelRefundID: answer.refundID, at: now, now: now)
        default:
            try await store.refundAccepted(refundID: refundID, channelRefundID: answer.refundID,
                                           nextAttemptAt: now.addingTimeInterval(60), now: now)
        }
    }
}
