import Foundation
import GRDB
import HuiminCore

/// The channel says an order was paid (a verified notification, or a query after a lost one).
extension PaymentStore {
    public struct ChannelPayment: Sendable {
        public var channel: String
        /// The channel's notification ID, or `query:<transaction>` when Huimin asked.
        public var notificationID: String
        public var tradeNo: String
        public var channelTradeID: String?
        public var amountFen: Int64
        public var paidAt: Date

        public init(channel: String, notificationID: String, tradeNo: String, channelTradeID: String?, amountFen: Int64, paidAt: Date) {
            self.channel = channel
            self.notificationID = notificationID
            self.tradeNo = tradeNo
            self.channelTradeID = channelTradeID
            self.amountFen = amountFen
            self.paidAt = paidAt
        }
    }

    public enum PaidOutcome: Sendable {
        /// This notification was taken before: nothing changes.
        case duplicate
        /// No order has this trade number: money in the channel only (长款), left for reconciliation.
        case unknownOrder
        case alreadyPaid(PaymentOrderRow)
        /// Marked paid; `refund` is set when the money must go back at once (a second payment for
        /// the same item, a payment after the order closed, or a booking that can no longer be had).
        case paid(PaymentOrderRow, refund: PaymentRefundRow?)
    }

    /// Marks the order paid and fulfils what it pays for in the same transaction: a registration
    /// order confirms its booking; a bill is marked paid; each is queued for the HIS.
    public func takePayment(_ payment: ChannelPayment, now: Date,
                            bookingMessages: @escaping @Sendable (BookingRow, SlotContext) -> [OutboxMessage]) async throws -> PaidOutcome {
        try await database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO payment_notification (channel, notification_id, trade_no, kind, outcome, received_at)
                VALUES (?, ?, ?, 'payment', 'taken', ?) ON CONFLICT DO NOTHING
                """, arguments: [payment.channel, payment.notificationID, payment.tradeNo, now])
            guard db.changesCount == 1 else { return .duplicate }
            func outcome(_ text: String) throws {
                try db.execute(sql: "UPDATE payment_notification SET outcome = ? WHERE channel = ? AND notification_id = ?",
                               arguments: [text, payment.channel, payment.notificationID])
            }
            guard var order = try PaymentOrderRow.filter(Column("trade_no") == payment.tradeNo).fetchOne(db),
                  order.channel == payment.channel else {
                try outcome("unknown_order")
                return .unknownOrder
            }
            guard payment.amountFen == order.amountFen else {
                // Thrown, so the notification is not recorded and the channel keeps retrying
                // while reconciliation shows the amount difference.
                throw AppError.rule("notification_amount_mismatch",
                                    "The order is \(order.amountFen) fen; the notification says \(payment.amountFen) fen.")
            }
            guard !["paid", "partially_refunded", "refunded"].contains(order.state) else {
                try outcome("already_paid")
                return .alreadyPaid(order)
            }
            let wasClosed = order.state == "closed" || order.state == "failed"
            order.state = "paid"
            order.paidFen = payment.amountFen
            order.paidAt = payment.paidAt
            order.channelTradeId = payment.channelTradeID
            order.updatedAt = now
            try order.update(db)
            try Self.audit(db, order, "payment.paid", actor: AuditActor(kind: "channel", id: payment.channel),
                           detail: "fen=\(payment.amountFen) channelTrade=\(payment.channelTradeID ?? "")", now: now)
            try OutboxStore.append(db, Self.message("payment.paid", order, amountFen: payment.amountFen), now: now)

            var cause: (String, String)?
            let paidBefore = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM payment_order WHERE business_type = ? AND business_ref = ? AND id != ?
                AND state IN ('paid', 'partially_refunded', 'refunded')
                """, arguments: [order.businessType, order.businessRef, order.id]) ?? 0
            if paidBefore > 0 {
                cause = ("duplicate_payment", "重复支付退款")
            } else if wasClosed {
                cause = ("late_payment", "订单已关闭，退款")
            } else if order.businessType == "registration" {
                do {
                    let confirmed = try BookingStore.confirmPayment(db, bookingID: order.businessRef, tradeNo: order.tradeNo,
                                                                    amountFen: payment.amountFen,
                                                                    actor: AuditActor(kind: "channel", id: payment.channel), now: now,
                                                                    messages: bookingMessages)
                    if case .lockExpired = confirmed {
                        cause = ("lock_expired", "号源锁定已过期，退款")
                    } else {
                        try Self.queuePosting(db, orderID: order.id, now: now)
                    }
                } catch let error as AppError {
                    cause = ("booking_not_payable", "预约已不可支付，退款：\(error.code)")
                }
            } else if order.businessType == "deposit" {
                try Self.queuePosting(db, orderID: order.id, now: now)
            } else {
                cause = try Self.fulfilBill(db, order: order, now: now)
            }
            var refund: PaymentRefundRow?
            if let (code, reason) = cause {
                refund = try Self.insertRefund(db, order: &order, amountFen: payment.amountFen, reason: reason, cause: code,
                                               idempotencyKey: code, actor: .system, now: now)
                try outcome("paid_refunding")
            } else {
                try outcome("paid")
            }
            return .paid(order, refund: refund)
        }
    }

    static func message(_ event: String, _ order: PaymentOrderRow, amountFen: Int64) -> OutboxMessage {
        OutboxMessage(event: event, accountID: order.accountId, personID: order.personId, subjectKind: "payment_order",
                      subjectID: order.id,
                      payload: ["tradeNo": order.tradeNo, "amountFen": "\(amountFen)", "businessType": order.businessType,
                                "hospitalCode": order.hospitalCode, "channel": order.channel],
                      dedupeKey: "\(event):\(order.id):\(amountFen):\(order.refundedFen)")
    }
}
