import Alipay
import Database
import Foundation
import HuiminCore

/// Alipay's trade APIs as a payment gateway: alipay.trade.create for the mini-program's
/// `my.tradePay`, refunds by `out_request_no`, the 业务明细 bill zip.
struct AlipayGateway: PaymentGateway {
    let client: AlipayPayClient
    var channel: String { "alipay" }

    func open(_ order: PaymentOrderRow, payer: String) async throws -> GatewayCheckout {
        let created = try await client.create(AlipayOrder(
            outTradeNo: order.tradeNo, subject: order.description, amountFen: order.amountFen, buyerOpenID: payer,
            expiresAt: order.expiresAt, passback: order.id))
        return GatewayCheckout(reference: created.tradeNo, requestPayment: ["tradeNO": created.tradeNo])
    }

    func query(_ order: PaymentOrderRow) async throws -> GatewayTrade? {
        let trade: AlipayTrade
        do {
            trade = try await client.query(outTradeNo: order.tradeNo)
        } catch let error as AppError where error.code == "alipay_acq_trade_not_exist" {
            return nil
        }
        // A trade refunded in full is TRADE_CLOSED with money having moved; Huimin took that
        // payment before it could refund it, so only an unpaid close matters here.
        return GatewayTrade(paid: trade.isPaid, channelTradeID: trade.tradeNo, amountFen: trade.totalFen, paidAt: trade.paidAt)
    }

    func close(_ order: PaymentOrderRow) async throws {
        try await client.close(outTradeNo: order.tradeNo)
    }

    /// Alipay refunds at once (`fund_change=Y`). `N` means this request number was already
    /// refunded or is still being processed: the refund query says which.
    func refund(_ refund: PaymentRefundRow, of order: PaymentOrderRow) async throws -> GatewayRefund {
        let answer = try await client.refund(AlipayRefundRequest(
            outTradeNo: order.tradeNo, outRequestNo: refund.refundNo, refundFen: refund.amountFen, reason: refund.reason))
        if answer.fundChange == true {
            return .succeeded(channelRefundID: answer.tradeNo, at: answer.refundedAt)
        }
        return try await status(of: refund, order: order) ?? .processing(channelRefundID: answer.tradeNo)
    }

    func queryRefund(_ refund: PaymentRefundRow, of order: PaymentOrderRow) async throws -> GatewayRefund {
        // Unknown to Alipay means the request was lost: ask again under the same request number.
        if let known = try await status(of: refund, order: order) { return known }
        return try await self.refund(refund, of: order)
    }

    private func status(of refund: PaymentRefundRow, order: PaymentOrderRow) async throws -> GatewayRefund? {
        let answer: AlipayRefund
        do {
            answer = try await client.queryRefund(outTradeNo: order.tradeNo, outRequestNo: refund.refundNo)
        } catch let error as AppError where error.code == "alipay_refund_not_found" {
            return nil
        }
        return answer.status == "REFUND_SUCCESS"
            ? .succeeded(channelRefundID: answer.tradeNo, at: answer.refundedAt)
            : .processing(channelRefundID: answer.tradeNo)
    }

    func tradeBill(day: String) async throws -> [UInt8] {
        try await client.downloadBill(day: day)
    }

    func isTransient(errorCode: String) -> Bool {
        errorCode == "alipay_acq_seller_balance_not_enough"
    }
}
