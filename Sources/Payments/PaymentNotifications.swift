import Alipay
import Appointments
import UnionPay
import Database
import Foundation
import HuiminCore
import WeChatPay

/// The channels' signed notifications. Verified first; a forged, altered or replayed one is
/// refused and changes nothing; a duplicate of one already taken is acknowledged and changes
/// nothing.
extension PaymentService {
    /// Handles a WeChat Pay notification body with its `Wechatpay-*` headers. Returning normally
    /// means "acknowledge" (the channel stops retrying); a thrown error makes it retry.
    public func takeWeChatNotification(headers: [String: String], body: [UInt8]) async throws {
        let now = clock.now()
        guard let wechat = wechatClient else { throw Self.notConfigured("wechat") }
        switch try wechat.notification(headers: headers, body: body, now: now) {
        case .transaction(let id, let transaction):
            // Only success is news: other states are what Huimin already knows from its own calls.
            guard transaction.tradeState == "SUCCESS" else { return }
            try await takePayment(PaymentStore.ChannelPayment(
                channel: "wechat", notificationID: id, tradeNo: transaction.outTradeNo, channelTradeID: transaction.transactionID,
                amountFen: transaction.amountFen, paidAt: transaction.successTime ?? now))
        case .refund(_, let refund):
            guard let row = try await store.refund(refundNo: refund.outRefundNo) else {
                logger.warning("refund notification for an unknown refund", metadata: ["refundNo": "\(refund.outRefundNo)"])
                return
            }
            try await record(WeChatPayGateway.refund(refund), refund: row, now: now)
        }
    }

    /// Handles an Alipay async notification (form-encoded). Alipay sends refunds to the payment's
    /// notify URL too: a partial refund as TRADE_SUCCESS with `out_biz_no`, a full one as
    /// TRADE_CLOSED; an unpaid trade closing is TRADE_CLOSED without refund fields (Huimin
    /// closed it itself).
    public func takeAlipayNotification(body: [UInt8]) async throws {
        let now = clock.now()
        guard let alipay = alipayClient else { throw Self.notConfigured("alipay") }
        let notification = try alipay.notification(body: body)
        if notification.isRefund {
            guard let refundNo = notification.outBizNo, let row = try await store.refund(refundNo: refundNo) else {
                logger.warning("refund notification for an unknown refund", metadata: ["trade": "\(notification.outTradeNo)"])
                return
            }
            try await record(.succeeded(channelRefundID: notification.tradeNo, at: notification.refundedAt), refund: row, now: now)
            return
        }
        guard notification.tradeStatus == "TRADE_SUCCESS" || notification.tradeStatus == "TRADE_FINISHED",
              let total = notification.totalFen else { return }
        try await takePayment(PaymentStore.ChannelPayment(
            channel: "alipay", notificationID: notification.notifyID, tradeNo: notification.outTradeNo,
            channelTradeID: notification.tradeNo, amountFen: total, paidAt: notification.paidAt ?? now))
    }

    /// Handles a UnionPay backUrl notification (form-encoded): a consume's or a refund's result.
    /// Only success is news; a failed refund is what the refund query will also say.
    public func takeUnionPayNotification(body: [UInt8]) async throws {
        let now = clock.now()
        guard let unionPay = unionPayClient else { throw Self.notConfigured("unionpay") }
        let notification = try unionPay.notification(body: body)
        guard notification.succeeded else { return }
        if notification.isRefund {
            guard let row = try await store.refund(refundNo: notification.orderID) else {
                logger.warning("refund notification for an unknown refund", metadata: ["refundNo": "\(notification.orderID)"])
                return
            }
            try await record(.succeeded(channelRefundID: notification.queryID, at: nil), refund: row, now: now)
            return
        }
        try await takePayment(PaymentStore.ChannelPayment(
            channel: "unionpay", notificationID: notification.queryID, tradeNo: notification.orderID, channelTradeID: notification.queryID,
            amountFen: notification.amountFen, paidAt: notification.traceTime.flatMap(UnionPayGateway.traceTime) ?? now))
    }

    /// Marks the order paid (and its booking confirmed); sends at once any refund this makes due.
    func takePayment(_ payment: PaymentStore.ChannelPayment) async throws {
        let outcome = try await store.takePayment(payment, now: clock.now(), bookingMessages: BookingService.confirmationMessages)
        switch outcome {
        case .paid(let order, let refund?):
            logger.warning("payment taken and refunded at once", metadata: ["trade": "\(order.tradeNo)", "cause": "\(refund.cause)"])
            await send(refund, order: order)
        case .paid(let order, nil):
            // Booked in the HIS at once, so the patient can go on to the pharmacy or the clinic; the sweeper retries a failure.
            try await post(order, attempts: 0)
        case .unknownOrder:
            logger.error("payment for an unknown trade number", metadata: ["trade": "\(payment.tradeNo)", "channel": "\(payment.channel)"])
        case .paid, .alreadyPaid, .duplicate:
            break
        }
    }
}
