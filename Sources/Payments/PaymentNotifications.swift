import Appointments
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
            try await record(refund, refundID: row.id, now: now)
        }
    }

    /// Marks the order paid (and its booking confirmed); sends at once any refund this makes due.
    func takePayment(_ payment: PaymentStore.ChannelPayment) async throws {
        let outcome = try await store.takePayment(payment, now: clock.now(), bookingMessages: BookingService.confirmationMessages)
        switch outcome {
        case .paid(let order, let refund?):
            logger.warning("payment taken and refunded at once", metadata: ["trade": "\(order.tradeNo)", "cause": "\(refund.cause)"])
            await send(refund, order: order)
        case .unknownOrder:
            logger.error("payment for an unknown trade number", metadata: ["trade": "\(payment.tradeNo)", "channel": "\(payment.channel)"])
        case .paid, .alreadyPaid, .duplicate:
            break
        }
    }
}
