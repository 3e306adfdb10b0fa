import Foundation
import GRDB
import HuiminCore

/// Paid bills and deposits told to the HIS (入账), again until it answers. The HIS posting is
/// idempotent on the trade number, so a retry after a lost answer books nothing twice. When the
/// HIS refuses for good (the bill was paid at the window meanwhile), the money goes back.
extension PaymentStore {
    public func duePostings(now: Date, limit: Int = 100) async throws -> [(posting: HISPostingRow, order: PaymentOrderRow)] {
        try await database.pool.read { db in
            try HISPostingRow.filter(Column("state") == "pending" && Column("next_attempt_at") <= now)
                .order(Column("next_attempt_at")).limit(limit).fetchAll(db)
                .compactMap { posting in try PaymentOrderRow.fetchOne(db, key: posting.orderId).map { (posting, $0) } }
        }
    }

    /// Postings in a state (pending: still being told; refused: the money went back), newest
    /// first, for cashiers and the hospital's IT staff.
    public func postings(state: String, hospitalCode: String?, limit: Int = 200) async throws -> [(posting: HISPostingRow, order: PaymentOrderRow)] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.order_id FROM his_posting p JOIN payment_order o ON o.id = p.order_id
                WHERE p.state = ? AND (? IS NULL OR o.hospital_code = ?) ORDER BY p.updated_at DESC LIMIT ?
                """, arguments: [state, hospitalCode, hospitalCode, limit]).compactMap { row -> (HISPostingRow, PaymentOrderRow)? in
                let id: String = row[0]
                guard let posting = try HISPostingRow.fetchOne(db, key: id), let order = try PaymentOrderRow.fetchOne(db, key: id) else { return nil }
                return (posting, order)
            }
        }
    }

    public func posting(orderID: String) async throws -> HISPostingRow? {
        try await database.pool.read { db in try HISPostingRow.fetchOne(db, key: orderID) }
    }

    public func posted(orderID: String, receiptNo: String, settledAt: Date, now: Date) async throws {
        try await database.pool.write { db in
            guard var posting = try HISPostingRow.fetchOne(db, key: orderID), posting.state == "pending",
                  let order = try PaymentOrderRow.fetchOne(db, key: orderID) else { return }
            try Self.queueRefundPostings(db, orderID: orderID, now: now)
            posting.state = "posted"
            posting.receiptNo = receiptNo
            posting.settledAt = settledAt
            posting.attempts += 1
            posting.lastError = nil
            posting.updatedAt = now
            try posting.update(db)
            try Self.audit(db, order, "his.posted", actor: .hospital(order.hospitalCode), detail: "receipt=\(receiptNo)", now: now)
        }
    }

    public func postingFailed(orderID: String, error: String, nextAttemptAt: Date, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: """
                UPDATE his_posting SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ?
                WHERE order_id = ? AND state = 'pending'
                """, arguments: [String(error.prefix(500)), nextAttemptAt, now, orderID])
        }
    }

    /// The HIS will not take the payment: the posting ends refused, a clinic bill becomes
    /// `billBecomes` (withdrawn: the HIS no longer owes it here; unpaid: it is still owed) and what
    /// is left of the payment is refunded.
    public func postingRefused(orderID: String, code: String, billBecomes: String = "withdrawn",
                               now: Date) async throws -> (PaymentRefundRow, PaymentOrderRow)? {
        try await database.pool.write { db in
            guard var posting = try HISPostingRow.fetchOne(db, key: orderID), posting.state == "pending",
                  var order = try PaymentOrderRow.fetchOne(db, key: orderID) else { return nil }
            posting.state = "refused"
            posting.attempts += 1
            posting.lastError = code
            posting.updatedAt = now
            try posting.update(db)
            try Self.audit(db, order, "his.refused", actor: .hospital(order.hospitalCode), detail: "code=\(code)", now: now)
            if order.businessType != "deposit" {
                try db.execute(sql: "UPDATE clinic_bill SET state = ?, updated_at = ? WHERE id = ? AND state = 'paid'",
                               arguments: [billBecomes, now, order.businessRef])
            }
            guard order.refundableFen > 0 else { return nil }
            let refund = try Self.insertRefund(db, order: &order, amountFen: order.refundableFen, reason: "医院未能入账，退款",
                                               cause: "his_refused", idempotencyKey: "his_refused", actor: .system, now: now)
            return (refund, order)
        }
    }

    // MARK: Refunds of booked payments

    /// Queues, for the HIS, the order's succeeded refunds not yet queued, once its payment is
    /// booked there. A refund made because the HIS refused the payment is not the HIS's business.
    static func queueRefundPostings(_ db: GRDB.Database, orderID: String, now: Date) throws {
        try db.execute(sql: """
            INSERT INTO his_refund_posting (refund_id, order_id, state, next_attempt_at, created_at, updated_at)
            SELECT r.id, r.order_id, 'pending', ?, ?, ? FROM payment_refund r
            WHERE r.order_id = ? AND r.state = 'succeeded' AND r.cause != 'his_refused'
              AND (SELECT state FROM his_posting WHERE order_id = r.order_id) IN ('pending', 'posted')
            ON CONFLICT DO NOTHING
            """, arguments: [now, now, now, orderID])
    }

    public struct DueRefundPosting: Sendable {
        public var refund: PaymentRefundRow
        public var order: PaymentOrderRow
        public var attempts: Int
    }

    /// Refund postings due now, whose payment the HIS has booked.
    public func dueRefundPostings(now: Date, limit: Int = 100) async throws -> [DueRefundPosting] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT rp.refund_id, rp.attempts FROM his_refund_posting rp JOIN his_posting p ON p.order_id = rp.order_id
                WHERE rp.state = 'pending' AND rp.next_attempt_at <= ? AND p.state = 'posted' ORDER BY rp.next_attempt_at LIMIT ?
                """, arguments: [now, limit]).compactMap { row -> DueRefundPosting? in
                let refundID: String = row[0]
                guard let refund = try PaymentRefundRow.fetchOne(db, key: refundID),
                      let order = try PaymentOrderRow.fetchOne(db, key: refund.orderId) else { return nil }
                return DueRefundPosting(refund: refund, order: order, attempts: row[1])
            }
        }
    }

    /// Refund postings in a state (pending, posted, or failed: the HIS refused the refund and the
    /// payer has the money while the HIS still counts it paid), newest first.
    public func refundPostings(state: String, hospitalCode: String?, limit: Int = 200)
        async throws -> [(posting: HISRefundPostingRow, refund: PaymentRefundRow, order: PaymentOrderRow)] {
        try await database.pool.read { db in
            try HISRefundPostingRow.fetchAll(db, sql: """
                SELECT rp.* FROM his_refund_posting rp JOIN payment_order o ON o.id = rp.order_id
                WHERE rp.state = ? AND (? IS NULL OR o.hospital_code = ?) ORDER BY rp.updated_at DESC LIMIT ?
                """, arguments: [state, hospitalCode, hospitalCode, limit]).compactMap { posting in
                guard let refund = try PaymentRefundRow.fetchOne(db, key: posting.refundId),
                      let order = try PaymentOrderRow.fetchOne(db, key: posting.orderId) else { return nil }
                return (posting, refund, order)
            }
        }
    }

    /// The HIS's answer to a refund posting: its receipt (`posted`), a refusal (`failed`, with the
    /// code), or nothing yet (pending again at `nextAttemptAt`).
    public func refundPosting(refundID: String, state: String, receiptNo: String?, error: String?, nextAttemptAt: Date,
                              now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: """
                UPDATE his_refund_posting SET state = ?, receipt_no = ?, last_error = ?, attempts = attempts + 1, next_attempt_at = ?,
                updated_at = ? WHERE refund_id = ? AND state = 'pending'
                """, arguments: [state, receiptNo, error.map { String($0.prefix(500)) }, nextAttemptAt, now, refundID])
            if state != "pending", let refund = try PaymentRefundRow.fetchOne(db, key: refundID),
               let order = try PaymentOrderRow.fetchOne(db, key: refund.orderId) {
                try Self.audit(db, order, "his.refund_\(state)", actor: .hospital(order.hospitalCode),
                               detail: "refund=\(refund.refundNo) receipt=\(receiptNo ?? "") \(error ?? "")", now: now)
            }
        }
    }
}
