import Database
import Foundation
import HuiminCore
import UnionPay

/// UnionPay ACP (全渠道) as a payment gateway: a consume whose `tn` the front end hands to the
/// UnionPay control, refunds (退货) under their own order numbers, the ZM bill of a clearing date.
/// UnionPay names a transaction by order number and `txnTime`: Huimin uses the order's (or the
/// refund's) creation time, which it keeps anyway.
struct UnionPayGateway: PaymentGateway {
    let client: UnionPayClient
    var channel: String { "unionpay" }

    func open(_ order: PaymentOrderRow, payer: String) async throws -> GatewayCheckout {
        let created = try await client.consume(UnionPayOrder(orderID: order.tradeNo, txnTime: order.createdAt, amountFen: order.amountFen,
                                                             payTimeout: order.expiresAt, reserved: order.id))
        return GatewayCheckout(reference: created.tn, requestPayment: ["tn": created.tn])
    }

    func query(_ order: PaymentOrderRow) async throws -> GatewayTrade? {
        let transaction: UnionPayTransaction
        do {
            transaction = try await client.query(orderID: order.tradeNo, txnTime: UnionPayTime.string(order.createdAt))
        } catch let error as AppError where error.code == "unionpay_34" {
            return nil
        }
        return GatewayTrade(paid: transaction.isPaid, channelTradeID: transaction.queryID, amountFen: transaction.amountFen ?? order.amountFen,
                            paidAt: transaction.traceTime.flatMap(Self.traceTime))
    }

    /// UnionPay has no close: an unpaid consume ends at its payTimeout, which is the order's expiry.
    func close(_ order: PaymentOrderRow) async throws {}

    func refund(_ refund: PaymentRefundRow, of order: PaymentOrderRow) async throws -> GatewayRefund {
        guard let queryID = order.channelTradeId else {
            throw AppError.conflict("payment_not_refundable", "UnionPay has not said which transaction paid this order.")
        }
        return Self.refund(try await client.refund(UnionPayRefundRequest(
            orderID: refund.refundNo, txnTime: refund.createdAt, origQueryID: queryID, origOrderID: order.tradeNo, amountFen: refund.amountFen)))
    }

    func queryRefund(_ refund: PaymentRefundRow, of order: PaymentOrderRow) async throws -> GatewayRefund {
        Self.refund(try await client.queryRefund(orderID: refund.refundNo, txnTime: UnionPayTime.string(refund.createdAt)))
    }

    static func refund(_ answer: UnionPayRefund) -> GatewayRefund {
        switch answer.state {
        case .paid: .succeeded(channelRefundID: answer.queryID, at: nil)
        case .paying: .processing(channelRefundID: answer.queryID)
        case .failed: .failed(channelRefundID: answer.queryID)
        }
    }

    /// The bill of the clearing date that is this business day (UnionPay clears at 23:00 Beijing, so
    /// it also holds the previous evening's last hour; the reconciler pairs those across days).
    func tradeBill(day: String) async throws -> [UInt8] {
        try await client.downloadBill(settleDate: String(day.replacingOccurrences(of: "-", with: "").suffix(4)))
    }

    func isTransient(errorCode: String) -> Bool {
        ["unionpay_03", "unionpay_04", "unionpay_05"].contains(errorCode)
    }

    /// `traceTime` is `MMddHHmmss` (Beijing) without a year: the year of now, or the one before
    /// just after New Year.
    static func traceTime(_ text: String) -> Date? {
        guard text.count == 10, text.allSatisfy(\.isNumber) else { return nil }
        let now = Date()
        let year = Int(BusinessCalendar.day(of: now).prefix(4)) ?? 2026
        let month = String(text.prefix(2)), day = String(text.dropFirst(2).prefix(2))
        let minutes = (Int(text.dropFirst(4).prefix(2)) ?? 0) * 60 + (Int(text.dropFirst(6).prefix(2)) ?? 0)
        let seconds = TimeInterval(Int(text.suffix(2)) ?? 0)
        for candidate in [year, year - 1] {
            if let date = BusinessCalendar.instant(day: "\(candidate)-\(month)-\(day)", minutes: minutes)?.addingTimeInterval(seconds),
               date <= now.addingTimeInterval(86_400) {
                return date
            }
        }
        return nil
    }
}
