import Foundation
import GRDB
import HuiminCore

/// The hook Payments calls when a booking's fee has been paid (and the integration API calls when
/// it was paid at a hospital window).
extension BookingStore {
    public enum ConfirmOutcome: Sendable {
        case confirmed(BookingRow)
        /// The lock ran out before the payment arrived; the place is released and the money must
        /// go back.
        case lockExpired
    }

    public func confirmPayment(bookingID: String, tradeNo: String, amountFen: Int64, actor: AuditActor, now: Date,
                               messages: @escaping @Sendable (BookingRow, SlotContext) -> [OutboxMessage]) async throws -> ConfirmOutcome {
        try await database.pool.write { db in
            try Self.confirmPayment(db, bookingID: bookingID, tradeNo: tradeNo, amountFen: amountFen, actor: actor, now: now,
                                    messages: messages)
        }
    }

    /// Inside the caller's transaction, so that Payments marks its order paid and confirms the
    /// booking as one change.
    static func confirmPayment(_ db: GRDB.Database, bookingID: String, tradeNo: String, amountFen: Int64, actor: AuditActor, now: Date,
                               messages: (BookingRow, SlotContext) -> [OutboxMessage]) throws -> ConfirmOutcome {
        guard var booking = try BookingRow.fetchOne(db, key: bookingID) else {
            throw AppError.notFound("booking_not_found", "No such booking.")
        }
        if booking.paidTradeNo == tradeNo {
            return .confirmed(booking)  // a repeated notification changes nothing
        }
        if booking.state == "locked", let expiry = booking.lockExpiresAt, expiry <= now {
            try Self.expire(db, bookingID: bookingID, now: now)
            return .lockExpired
        }
        if booking.state == "expired" {
            return .lockExpired  // whether the sweeper or this call released it, the money goes back
        }
        guard booking.state == "locked" else {
            throw AppError.conflict("booking_not_payable", "This booking is \(booking.state) and takes no payment.")
        }
        guard amountFen == booking.feeFen else {
            throw AppError.rule("amount_mismatch", "The fee is \(booking.feeFen) fen; \(amountFen) fen was paid.")
        }
        booking.state = "confirmed"
        booking.paidTradeNo = tradeNo
        booking.confirmedAt = now
        booking.updatedAt = now
        try booking.update(db)
        try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "booking.paid",
                                    subjectKind: "booking", subjectID: bookingID, detail: "trade=\(tradeNo) fen=\(amountFen)", now: now)
        if let context = try slotContext(db, slotID: booking.slotId) {
            for message in messages(booking, context) { try OutboxStore.append(db, message, now: now) }
        }
        return .confirmed(booking)
    }
}
