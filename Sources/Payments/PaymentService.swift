import Alipay
import Appointments
import Database
import Foundation
import HIS
import HuiminCore
import Insurance
import Logging
import Residents
import UnionPay
import WeChatPay

/// Unified payment: residents pay what they owe through a channel; the channel's word (a
/// verified notification, or Huimin's own query when one is lost) marks the order paid and
/// fulfils it in the same transaction; refunds go back through the same channel.
public struct PaymentService: Sendable {
    let store: PaymentStore
    let wechatClient: WeChatPayClient?
    let alipayClient: AlipayPayClient?
    let unionPayClient: UnionPayClient?
    /// The medical-insurance centre (医保移动支付), for bills paid partly by insurance.
    let insurance: InsuranceClient?
    let gateways: [String: any PaymentGateway]
    /// Bills and the HIS they are posted to once paid.
    let bills: BillStore
    let his: HISClient
    /// The payer's patient ID at the hospital, for the registration fee's posting.
    let patientCards: PatientCardService
    let clock: any HuiminClock
    let logger: Logger

    /// Channels residents can pay through today.
    static let channels: Set<String> = ["wechat", "alipay", "unionpay"]
    /// Channels whose cashier runs inside the mini-program of the same name and so takes only the
    /// users signed in through it. UnionPay's control takes any card holder.
    static let payerBound: Set<String> = ["wechat", "alipay"]

    public init(store: PaymentStore, wechat: WeChatPayClient?, alipay: AlipayPayClient?, unionPay: UnionPayClient?,
                insurance: InsuranceClient?, bills: BillStore, his: HISClient, patientCards: PatientCardService,
                clock: any HuiminClock, logger: Logger) {
        self.insurance = insurance
        self.patientCards = patientCards
        self.store = store
        self.bills = bills
        self.his = his
        self.wechatClient = wechat
        self.alipayClient = alipay
        self.unionPayClient = unionPay
        var gateways: [String: any PaymentGateway] = [:]
        if let wechat { gateways["wechat"] = WeChatPayGateway(client: wechat) }
        if let alipay { gateways["alipay"] = AlipayGateway(client: alipay) }
        if let unionPay { gateways["unionpay"] = UnionPayGateway(client: unionPay) }
        self.gateways = gateways
        self.clock = clock
        self.logger = logger
    }

    func gateway(_ channel: String) throws -> any PaymentGateway {
        guard let gateway = gateways[channel] else { throw Self.notConfigured(channel) }
        return gateway
    }

    static func notConfigured(_ channel: String) -> AppError {
        AppError.unavailable("channel_not_configured", "Payment channel \(channel) is not configured on this server.")
    }

    /// Who pays: the channel the resident signed in through and their user ID there (WeChat
    /// openid, Alipay open ID). A channel's cashier only takes its own users.
    public struct Payer: Sendable {
        public var channel: String
        public var userID: String

        public init(channel: String, userID: String) {
            self.channel = channel
            self.userID = userID
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
    public func payRegistration(accountID: String, payer: Payer, bookingID: String, channel: String,
                                idempotencyKey: String?) async throws -> (checkout: Checkout, created: Bool) {
        try await pay(accountID: accountID, payer: payer, channel: channel, idempotencyKey: idempotencyKey,
                      what: "registration\u{1F}\(bookingID)") { request, now in
            try await store.openRegistrationOrder(request, bookingID: bookingID, now: now)
        }
    }

    /// Checks the request, opens the order (`open`, in the store's transaction), then hands an
    /// open order to its channel. `what` names the request for the Idempotency-Key's digest.
    func pay(accountID: String, payer: Payer, channel: String, idempotencyKey: String?, what: String,
             open: (PaymentStore.OrderRequest, Date) async throws -> PaymentStore.Opened) async throws -> (checkout: Checkout, created: Bool) {
        if let key = idempotencyKey, key.isEmpty || key.count > 64 {
            throw AppError.invalid("idempotency_key_invalid", "An Idempotency-Key is 1 to 64 characters.")
        }
        guard Self.channels.contains(channel) else {
            throw AppError.invalid("channel_invalid", "Pay through one of: \(Self.channels.sorted().joined(separator: ", ")).")
        }
        guard payer.channel == channel || !Self.payerBound.contains(channel) else {
            throw AppError.rule("channel_not_available", "Pay through \(channel) from an account that signed in through it.")
        }
        let gateway = try gateway(channel)
        let now = clock.now()
        let request = PaymentStore.OrderRequest(
            accountID: accountID, channel: channel, idempotencyKey: idempotencyKey,
            requestDigest: Digest.sha256Hex(Array("\(what)\u{1F}\(channel)".utf8)),
            tradeNo: TradeNumber.make("P", at: now), orderID: TypedID.ordered("pay", at: now))
        let opened = try await open(request, now)
        var order = opened.order
        var requestPayment: [String: String]?
        if PaymentOrderRow.openStates.contains(order.state) {
            let checkout = try await gateway.open(order, payer: payer.userID)
            order = try await store.markPaying(orderID: order.id, prepayID: checkout.reference, now: clock.now())
            requestPayment = checkout.requestPayment
        }
        return (Checkout(payment: try await view(order), requestPayment: requestPayment), !opened.existing)
    }

    func view(_ order: PaymentOrderRow) async throws -> PaymentView {
        PaymentView(order, refunds: try await store.refunds(orderID: order.id), posting: try await store.posting(orderID: order.id),
                    insurance: try await store.insuranceSplit(orderID: order.id))
    }

    // MARK: Reading

    public func payments(accountID: String) async throws -> [PaymentView] {
        var views: [PaymentView] = []
        for order in try await store.orders(accountID: accountID) {
            views.append(try await view(order))
        }
        return views
    }

    public func payment(accountID: String, paymentID: String) async throws -> PaymentView {
        guard let order = try await store.order(id: paymentID), order.accountId == accountID else {
            throw AppError.notFound("payment_not_found", "No such payment order.")
        }
        return try await view(order)
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
        return try await view(order)
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
            let gateway = try gateway(order.channel)
            do {
                let answer = refund.state == "processing"
                    ? try await gateway.queryRefund(refund, of: order)
                    : try await gateway.refund(refund, of: order)
                try await record(answer, refund: refund, now: now)
            } catch let error as AppError where error.status < 500 && !gateway.isTransient(errorCode: error.code) {
                // The channel refused it for good (e.g. the order is too old): a cashier must act.
                logger.error("refund refused by channel", metadata: ["refund": "\(refund.refundNo)", "code": "\(error.code)"])
                _ = try? await store.finishRefund(refundNo: refund.refundNo, end: .abnormal, channelRefundID: nil, at: now, now: now)
            }
        } catch {
            let pause = min(3600, 30 * (1 << min(refund.attempts, 7)))
            logger.warning("refund attempt failed", metadata: ["refund": "\(refund.refundNo)", "error": "\(error)"])
            try? await store.refundAttemptFailed(refundID: refund.id, error: "\(error)",
                                                 nextAttemptAt: now.addingTimeInterval(TimeInterval(pause)), now: now)
        }
    }

    func record(_ answer: GatewayRefund, refund: PaymentRefundRow, now: Date) async throws {
        switch answer {
        case .succeeded(let id, let at):
            try await store.finishRefund(refundNo: refund.refundNo, end: .succeeded, channelRefundID: id, at: at ?? now, now: now)
        case .failed(let id):
            try await store.finishRefund(refundNo: refund.refundNo, end: .failed, channelRefundID: id, at: now, now: now)
        case .abnormal(let id):
            try await store.finishRefund(refundNo: refund.refundNo, end: .abnormal, channelRefundID: id, at: now, now: now)
        case .processing(let id):
            try await store.refundAccepted(refundID: refund.id, channelRefundID: id, nextAttemptAt: now.addingTimeInterval(60), now: now)
        }
    }
}
