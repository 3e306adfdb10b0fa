import Foundation
import GRDB
import HuiminCore

/// Refunds: partial and repeated, never more than was paid. A refund is recorded first and sent
/// to the channel afterwards (and again until the channel answers), under one refund number, so
/// a retry never refunds twice.
extension PaymentStore {
    /// Asks for a refund of part or all of what an order has left to refund; audited. The same
    /// Idempotency-Key on the same order answers with the first refund.
    public func requestRefund(orderID: String, amountFen: Int64, reason: String, cause: String, idempotencyKey: String?,
                              actor: AuditActor, now: Date) async throws -> PaymentRefundRow {
        try await database.pool.write { db in
            guard var order = try PaymentOrderRow.fetchOne(db, key: orderID) else {
                throw AppError.notFound("payment_not_found", "No such payment order.")
            }
            if let key = idempotencyKey,
               let earlier = try PaymentRefundRow.filter(Column("order_id") == orderID && Column("idempotency_key") == key).fetchOne(db) {
                guard earlier.amountFen == amountFen else {
                    throw AppError.conflict("idempotency_conflict", "This Idempotency-Key was used for a refund of another amount.")
                }
                return earlier
            }
            return try Self.insertRefund(db, order: &order, amountFen: amountFen, reason: reason, cause: cause,
                                         idempotencyKey: idempotencyKey, actor: actor, now: now)
        }
    }

    static func insertRefund(_ db: GRDB.Database, order: inout PaymentOrderRow, amountFen: Int64, reason: String, cause: String,
                             idempotencyKey: String?, actor: AuditActor, now: Date) throws -> PaymentRefundRow {
        guard ["paid", "partially_refunded"].contains(order.state) else {
            throw AppError.conflict("payment_not_refundable", "This order is \(order.state); only a paid order can be refunded.")
        }
        guard amountFen > 0 else {
            throw AppError.invalid("refund_amount_invalid", "A refund is a positive number of fen.")
        }
        guard amountFen <= order.refundableFen else {
            throw AppError.rule("refund_exceeds_paid",
                                "\(order.refundableFen) fen of this order may still be refunded; \(amountFen) fen was asked for.")
        }
        let refund = PaymentRefundRow(
            id: TypedID.make("rfd"), refundNo: TradeNumber.make("R", at: now), orderId: order.id, amountFen: amountFen,
            reason: String(reason.prefix(80)), cause: cause, state: "requested", channelRefundId: nil, attempts: 0, lastError: nil,
            nextAttemptAt: now, idempotencyKey: idempotencyKey, createdAt: now, updatedAt: now, succeededAt: nil)
        try refund.insert(db)
        order.refundingFen += amountFen
        order.updatedAt = now
        try order.update(db)
        try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "refund.request", subjectKind: "payment_order",
                                    subjectID: order.id, detail: "refund=\(refund.refundNo) fen=\(amountFen) cause=\(cause)", now: now)
        return refund
    }

    /// Paid bookings cancelled since (Appointments wrote a refund request): each becomes a refund
    /// of its order. A booking paid at a hospital window has no order here and is left to the HIS.
    public func adoptBookingRefunds(now: Date, limit: Int = 200) async throws -> Int {
        try await database.pool.write { db in
            let requests = try Row.fetchAll(db, sql: """
                SELECT id, booking_id, amount_fen, reason FROM refund_request WHERE state = 'requested' AND refund_id IS NULL LIMIT ?
                """, arguments: [limit])
            var adopted = 0
            for request in requests {
                let bookingID: String = request["booking_id"]
                guard var order = try PaymentOrderRow.fetchOne(db, sql: """
                    SELECT * FROM payment_order WHERE business_type = 'registration' AND business_ref = ?
                    AND state IN ('paid', 'partially_refunded') ORDER BY paid_at LIMIT 1
                    """, arguments: [bookingID]) else { continue }
                let amount = min(request["amount_fen"] as Int64, order.refundableFen)
                guard amount > 0 else { continue }
                let refund = try Self.insertRefund(db, order: &order, amountFen: amount, reason: "退号退款", cause: "cancellation",
                                                   idempotencyKey: "booking-cancel", actor: .system, now: now)
                try db.execute(sql: "UPDATE refund_request SET refund_id = ?, updated_at = ? WHERE id = ?",
                               arguments: [refund.id, now, request["id"] as String])
                adopted += 1
            }
            return adopted
        }
    }

    /// Refunds waiting to be sent (or sent and not yet answered).
    public func dueRefunds(now: Date, limit: Int = 100) async throws -> [(refund: PaymentRefundRow, order: PaymentOrderRow)] {
        try await database.pool.read { db in
            try PaymentRefundRow.fetchAll(db, sql: """
                SELECT * FROM payment_refund WHERE state IN ('requested', 'processing') AND next_attempt_at <= ?
                ORDER BY next_attempt_at LIMIT ?
                """, arguments: [now, limit]).compactMap { refund in
                try PaymentOrderRow.fetchOne(db, key: refund.orderId).map { (refund, $0) }
            }
        }
    }

    /// The channel took the refund and is working on it; look again at `nextAttemptAt`.
    public func refundAccepted(refundID: String, channelRefundID: String?, nextAttemptAt: Date, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: """
                UPDATE payment_refund SET state = 'processing', channel_refund_id = COALESCE(?, channel_refund_id), attempts = attempts + 1,
                last_error = NULL, next_attempt_at = ?, updated_at = ? WHERE id = ? AND state IN ('requested', 'processing')
                """, arguments: [channelRefundID, nextAttemptAt, now, refundID])
        }
    }

    /// Sending failed (the channel was unreachable or busy): try again later.
    public func refundAttemptFailed(refundID: String, error: String, nextAttemptAt: Date, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: """
                UPDATE payment_refund SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ?
                WHERE id = ? AND state IN ('requested', 'processing')
                """, arguments: [String(error.prefix(500)), nextAttemptAt, now, refundID])
        }
    }

    public enum RefundEnd: String, Sendable {
        case succeeded
        /// The channel closed it: the money stays with the hospital and may be refunded again.
        case failed
        /// The channel could not pay it back (e.g. the card was cancelled): a cashier takes over.
        case abnormal
    }

    /// The channel's last word on a refund (notification or query). Repeats change nothing.
    @discardableResult
    public func finishRefund(refundNo: String, end: RefundEnd, channelRefundID: String?, at: Date, now: Date) async throws -> PaymentRefundRow? {
        try await database.pool.write { db in
            guard var refund = try PaymentRefundRow.filter(Column("refund_no") == refundNo).fetchOne(db) else { return nil }
            guard ["requested", "processing"].contains(refund.state),
                  var order = try PaymentOrderRow.fetchOne(db, key: refund.orderId) else { return refund }
            refund.state = end.rawValue
            refund.channelRefundId = channelRefundID ?? refund.channelRefundId
            refund.updatedAt = now
            order.refundingFen -= refund.amountFen
            switch end {
            case .succeeded:
                refund.succeededAt = at
                order.refundedFen += refund.amountFen
                order.state = order.refundedFen == order.paidFen ? "refunded" : "partially_refunded"
                try db.execute(sql: "UPDATE refund_request SET state = 'refunded', updated_at = ? WHERE refund_id = ?",
                               arguments: [now, refund.id])
                try OutboxStore.append(db, OutboxMessage(
                    event: "payment.refunded", accountID: order.accountId, personID: order.personId, subjectKind: "payment_order",
                    subjectID: order.id, payload: ["tradeNo": order.tradeNo, "amountFen": "\(refund.amountFen)",
                                                   "businessType": order.businessType, "hospitalCode": order.hospitalCode],
                    dedupeKey: "payment.refunded:\(refund.id)"), now: now)
            case .failed:
                try db.execute(sql: "UPDATE refund_request SET state = 'failed', updated_at = ? WHERE refund_id = ?",
                               arguments: [now, refund.id])
            case .abnormal:
                // Still owed to the payer: it keeps counting against what may be refunded.
                order.refundingFen += refund.amountFen
            }
            order.updatedAt = now
            try refund.update(db)
            try order.update(db)
            if end == .succeeded { try Self.queueRefundPostings(db, orderID: order.id, now: now) }
            try Self.audit(db, order, "refund.\(end.rawValue)", actor: AuditActor(kind: "channel", id: order.channel),
                           detail: "refund=\(refund.refundNo) fen=\(refund.amountFen)", now: now)
            return refund
        }
    }
}

extension PaymentStore {
    public func refund(refundNo: String) async throws -> PaymentRefundRow? {
        try await database.pool.read { db in try PaymentRefundRow.filter(Column("refund_no") == refundNo).fetchOne(db) }
    }
}
