import Foundation
import GRDB
import HuiminCore

/// 退号: the place goes back, paid money is asked back from Payments, the reminder is withdrawn.
extension BookingStore {
    public struct Cancellation: Sendable {
        public var bookingID: String
        /// "resident", "suspension", "staff".
        public var reason: String
        /// Cancelled on the visit day itself (当日退号), which some hospitals count against the patient.
        public var late: Bool
        public var actor: AuditActor

        public init(bookingID: String, reason: String, late: Bool, actor: AuditActor) {
            self.bookingID = bookingID
            self.reason = reason
            self.late = late
            self.actor = actor
        }
    }

    public func cancel(_ cancellation: Cancellation, now: Date,
                       messages: @escaping @Sendable (BookingRow) -> [OutboxMessage]) async throws -> BookingRow {
        try await database.pool.write { db in
            if let row = try BookingRow.fetchOne(db, key: cancellation.bookingID), row.state == "locked",
               let expiry = row.lockExpiresAt, expiry <= now {
                try Self.expire(db, bookingID: row.id, now: now)
            }
            let booking = try Self.cancel(db, cancellation, now: now)
            for message in messages(booking) { try OutboxStore.append(db, message, now: now) }
            return booking
        }
    }

    /// Cancels inside the caller's transaction (a suspension cancels a whole session at once).
    static func cancel(_ db: GRDB.Database, _ cancellation: Cancellation, now: Date) throws -> BookingRow {
        guard var booking = try BookingRow.fetchOne(db, key: cancellation.bookingID) else {
            throw AppError.notFound("booking_not_found", "No such booking.")
        }
        guard booking.state == "locked" || booking.state == "confirmed" else {
            throw AppError.conflict("booking_not_cancellable", "A booking that is \(booking.state) cannot be cancelled.")
        }
        let wasPaid = booking.state == "confirmed" && booking.feeFen > 0
        booking.state = "cancelled"
        booking.cancelReason = cancellation.reason
        booking.lateCancel = cancellation.late
        booking.cancelledAt = now
        booking.updatedAt = now
        try booking.update(db)
        try db.cachedStatement(sql: "UPDATE slot SET taken = taken - 1, updated_at = ? WHERE id = ?")
            .execute(arguments: [now, booking.slotId])
        if wasPaid {
            try db.execute(sql: """
                INSERT INTO refund_request (id, booking_id, amount_fen, trade_no, reason, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (booking_id) DO NOTHING
                """, arguments: [TypedID.make("rfq"), booking.id, booking.feeFen, booking.paidTradeNo, cancellation.reason, now, now])
        }
        try OutboxStore.withdraw(db, dedupeKey: "reminder:\(booking.id)")
        try AccessStore.appendAudit(db, actorKind: cancellation.actor.kind, actorID: cancellation.actor.id, action: "booking.cancel",
                                    subjectKind: "booking", subjectID: booking.id,
                                    detail: "reason=\(cancellation.reason) refund=\(wasPaid ? booking.feeFen : 0)", now: now)
        return booking
    }

    public struct RefundRequest: Codable, Sendable {
        public var id: String
        public var bookingId: String
        public var amountFen: Int64
        public var tradeNo: String?
        public var reason: String
        public var state: String
    }

    public func refundRequest(bookingID: String) async throws -> RefundRequest? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM refund_request WHERE booking_id = ?", arguments: [bookingID]).map { row in
                RefundRequest(id: row["id"], bookingId: row["booking_id"], amountFen: row["amount_fen"], tradeNo: row["trade_no"],
                              reason: row["reason"], state: row["state"])
            }
        }
    }
}
