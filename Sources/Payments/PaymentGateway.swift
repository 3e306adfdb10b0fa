import Database
import Foundation

/// One payment channel as unified payment uses it. WeChat Pay and Alipay implement it over their
/// own clients; each keeps its wire vocabulary to itself and answers in these terms.
protocol PaymentGateway: Sendable {
    /// The channel's name in orders and merchants: "wechat", "alipay", ...
    var channel: String { get }

    /// Opens the order at the channel for this payer (their user ID there) and returns what the
    /// mini-program hands to the channel's cashier.
    func open(_ order: PaymentOrderRow, payer: String) async throws -> GatewayCheckout

    /// What the channel knows of the order; nil when it never heard of it.
    func query(_ order: PaymentOrderRow) async throws -> GatewayTrade?

    /// Makes an unpaid order unpayable at the channel.
    func close(_ order: PaymentOrderRow) async throws

    /// Asks for the refund (again: the refund number is the channel's idempotency key).
    func refund(_ refund: PaymentRefundRow, of order: PaymentOrderRow) async throws -> GatewayRefund

    /// Where a refund the channel accepted has got to.
    func queryRefund(_ refund: PaymentRefundRow, of order: PaymentOrderRow) async throws -> GatewayRefund

    /// The channel's trade bill of a Beijing business day, as the channel serves it.
    func tradeBill(day: String) async throws -> [UInt8]

    /// Whether a refusal with this error code may pass with time (a rate limit) rather than
    /// needing a cashier.
    func isTransient(errorCode: String) -> Bool
}

struct GatewayCheckout: Sendable {
    /// The channel's handle on the order (WeChat's prepay_id, Alipay's trade_no).
    var reference: String
    /// The parameters of the channel's cashier call (`wx.requestPayment`, `my.tradePay`).
    var requestPayment: [String: String]
}

struct GatewayTrade: Sendable {
    var paid: Bool
    var channelTradeID: String?
    var amountFen: Int64
    var paidAt: Date?
}

/// A refund's end as the channel tells it, with the channel's refund ID where it gave one.
enum GatewayRefund: Sendable {
    case succeeded(channelRefundID: String?, at: Date?)
    case processing(channelRefundID: String?)
    case failed(channelRefundID: String?)
    /// Needs a person (a closed card, a frozen account): not retried.
    case abnormal(channelRefundID: String?)
}
