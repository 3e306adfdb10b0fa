import Database
import Foundation
import HuiminCore
import WeChatPay

/// WeChat Pay API v3 as a payment gateway: JSAPI prepay for the mini-program's
/// `wx.requestPayment`, refunds by `out_refund_no`, the ALL trade bill.
struct WeChatPayGateway: PaymentGateway {
    let client: WeChatPayClient
    var channel: String { "wechat" }

    func open(_ order: PaymentOrderRow, payer: String) async throws -> GatewayCheckout {
        let prepay = try await client.prepay(WeChatPayOrder(
            outTradeNo: order.tradeNo, description: order.description, amountFen: order.amountFen, payerOpenID: payer,
            expiresAt: order.expiresAt, attach: order.id))
        return GatewayCheckout(reference: prepay.prepayID, requestPayment: prepay.requestPayment)
    }

    func query(_ order: PaymentOrderRow) async throws -> GatewayTrade? {
        do {
            return Self.trade(try await client.query(outTradeNo: order.tradeNo))
        } catch let error as AppError where error.code == "wechatpay_order_not_found" {
            return nil
        }
    }

    static func trade(_ transaction: WeChatPayTransaction) -> GatewayTrade {
        GatewayTrade(paid: transaction.tradeState == "SUCCESS", channelTradeID: transaction.transactionID,
                     amountFen: transaction.amountFen, paidAt: transaction.successTime)
    }

    func close(_ order: PaymentOrderRow) async throws {
        try await client.close(outTradeNo: order.tradeNo)
    }

    func refund(_ refund: PaymentRefundRow, of order: PaymentOrderRow) async throws -> GatewayRefund {
        Self.refund(try await client.refund(WeChatPayRefundRequest(
            outTradeNo: order.tradeNo, outRefundNo: refund.refundNo, refundFen: refund.amountFen, totalFen: order.paidFen,
            reason: refund.reason)))
    }

    func queryRefund(_ refund: PaymentRefundRow, of order: PaymentOrderRow) async throws -> GatewayRefund {
        Self.refund(try await client.queryRefund(outRefundNo: refund.refundNo))
    }

    static func refund(_ answer: WeChatPayRefund) -> GatewayRefund {
        switch answer.status {
        case "SUCCESS": .succeeded(channelRefundID: answer.refundID, at: answer.successTime)
        case "CLOSED": .failed(channelRefundID: answer.refundID)
        case "ABNORMAL": .abnormal(channelRefundID: answer.refundID)
        default: .processing(channelRefundID: answer.refundID)
        }
    }

    func tradeBill(day: String) async throws -> [UInt8] {
        try await client.tradeBill(day: day)
    }

    func isTransient(errorCode: String) -> Bool {
        errorCode == "wechatpay_frequency_limited"
    }
}
