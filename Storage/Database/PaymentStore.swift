import Foundation
import GRDB
import HuiminCore

/// Payment orders: opening them for what a resident owes, the channel's answer, closing unpaid
/// ones. Every state change is one transaction with its audit entry.
public final class PaymentStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    // MARK: Merchants

    /// Sets a hospital's (or campus's) merchant account at a channel; audited.
    public func saveMerchant(hospitalCode: String, campusID: String, channel: String, merchantNo: String, appID: String,
                             actor: AuditActor, now: Date) async throws -> MerchantRow {
        try await database.pool.write { db in
            var row = try MerchantRow.filter(Column("hospital_code") == hospitalCode && Column("campus_id") == campusID
                                             && Column("channel") == channel).fetchOne(db)
                ?? MerchantRow(id: TypedID.make("mch"), hospitalCode: hospitalCode, campusId: campusID, channel: channel,
                               merchantNo: merchantNo, appId: appID, createdAt: now, updatedAt: now)
            row.merchantNo = merchantNo
            row.appId = appID
            row.updatedAt = now
            try row.save(db)
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "merchant.save", subjectKind: "merchant",
                                        subjectID: row.id, detail: "hospital=\(hospitalCode) campus=\(campusID) channel=\(channel) no=\(merchantNo)",
                                        now: now)
            return row
        }
    }

    public func merchants(hospitalCode: String) async throws -> [MerchantRow] {
        try await database.pool.read { db in
            try MerchantRow.filter(Column("hospital_code") == hospitalCode).order(Column("campus_id"), Column("channel")).fetchAll(db)
        }
    }

    public func allMerchants() async throws -> [MerchantRow] {
        try await database.pool.read { db in
            try MerchantRow.order(Column("hospital_code"), Column("campus_id"), Column("channel")).fetchAll(db)
        }
    }

    /// The campus's own merchant if it has one, else the hospital's.
    static func merchant(_ db: GRDB.Database, hospitalCode: String, campusID: String?, channel: String) throws -> MerchantRow? {
        try MerchantRow.fetchOne(db, sql: """
            SELECT * FROM merchant WHERE hospital_code = ? AND channel = ? AND campus_id IN (?, '')
            ORDER BY campus_id DESC LIMIT 1
            """, arguments: [hospitalCode, channel, campusID ?? ""])
    }

    // MARK: Opening an order

    public struct OrderRequest: Sendable {
        public var accountID: String
        public var channel: String
        public var idempotencyKey: String?
        public var requestDigest: String
        public var tradeNo: String
        public var orderID: String

        public init(accountID: String, channel: String, idempotencyKey: String?, requestDigest: String, tradeNo: String, orderID: String) {
            self.accountID = accountID
            self.channel = channel
            self.idempotencyKey = idempotencyKey
            self.requestDigest = requestDigest
            self.tradeNo = tradeNo
            self.orderID = orderID
        }
    }

    public struct Opened: Sendable {
        public var order: PaymentOrderRow
        /// An order the item already had (or the same Idempotency-Key's), answered again.
        public var existing: Bool
    }

    /// The order that pays a locked booking's fee. The booking is read in the same transaction:
    /// it must be the account's, still locked and not yet run out. The order expires with the
    /// booking's lock, so nobody pays for a place that is gone.
    public func openRegistrationOrder(_ request: OrderRequest, bookingID: String, now: Date) async throws -> Opened {
        try await database.pool.write { db in
            if let earlier = try Self.earlier(db, request) { return Opened(order: earlier, existing: true) }
            guard let booking = try BookingRow.fetchOne(db, key: bookingID), booking.accountId == request.accountID else {
                throw AppError.notFound("booking_not_found", "No such booking.")
            }
            guard booking.feeFen > 0 else {
                throw AppError.conflict("booking_free", "This booking has no fee to pay.")
            }
            guard booking.state == "locked", let lockExpiresAt = booking.lockExpiresAt, lockExpiresAt > now else {
                throw AppError.conflict("booking_not_payable", booking.state == "locked"
                    ? "The place was held until the lock ran out; book again."
                    : "This booking is \(booking.state) and takes no payment.")
            }
            if let open = try PaymentOrderRow.fetchOne(db, sql: """
                SELECT * FROM payment_order WHERE business_type = 'registration' AND business_ref = ? AND state IN ('created', 'paying')
                """, arguments: [bookingID]) {
                guard open.channel == request.channel else {
                    throw AppError.conflict("payment_open_elsewhere",
                        "This booking already has an unpaid \(open.channel) order; pay it there or wait until it closes.")
                }
                return Opened(order: open, existing: true)
            }
            let campus = try String.fetchOne(db, sql: "SELECT campus_id FROM department WHERE id = ?", arguments: [booking.departmentId])
            guard let merchant = try Self.merchant(db, hospitalCode: booking.hospitalCode, campusID: campus, channel: request.channel) else {
                throw AppError.rule("channel_not_available", "This hospital takes no payments through \(request.channel).")
            }
            let department = try String.fetchOne(db, sql: "SELECT name FROM department WHERE id = ?", arguments: [booking.departmentId]) ?? ""
            let order = PaymentOrderRow(
                id: request.orderID, tradeNo: request.tradeNo, businessType: "registration", businessRef: bookingID,
                accountId: request.accountID, personId: booking.personId, hospitalCode: booking.hospitalCode, merchantId: merchant.id,
                channel: request.channel, description: String("挂号费 \(department) \(booking.day)".prefix(127)),
                amountFen: booking.feeFen, paidFen: 0, refundedFen: 0, refundingFen: 0, state: "created", channelTradeId: nil,
                prepayId: nil, expiresAt: lockExpiresAt, paidAt: nil, closedAt: nil, idempotencyKey: request.idempotencyKey,
                requestDigest: request.requestDigest, createdAt: now, updatedAt: now)
            try order.insert(db)
            try Self.audit(db, order, "payment.create", actor: .resident(request.accountID), detail: "fen=\(order.amountFen)", now: now)
            return Opened(order: order, existing: false)
        }
    }

    static func earlier(_ db: GRDB.Database, _ request: OrderRequest) throws -> PaymentOrderRow? {
        guard let key = request.idempotencyKey,
              let earlier = try PaymentOrderRow.filter(Column("account_id") == request.accountID && Column("idempotency_key") == key).fetchOne(db)
        else { return nil }
        guard earlier.requestDigest == request.requestDigest else {
            throw AppError.conflict("idempotency_conflict", "This Idempotency-Key was used for a different payment request.")
        }
        return earlier
    }

    /// The channel has the order (a prepay ID): created -> paying.
    public func markPaying(orderID: String, prepayID: String, now: Date) async throws -> PaymentOrderRow {
        try await database.pool.write { db in
            try db.execute(sql: """
                UPDATE payment_order SET state = 'paying', prepay_id = ?, updated_at = ? WHERE id = ? AND state IN ('created', 'paying')
                """, arguments: [prepayID, now, orderID])
            if db.changesCount == 1, let order = try PaymentOrderRow.fetchOne(db, key: orderID), order.prepayId == prepayID {
                try Self.audit(db, order, "payment.paying", actor: .system, detail: "", now: now)
            }
            guard let order = try PaymentOrderRow.fetchOne(db, key: orderID) else { throw AppError.internalError }
            return order
        }
    }

    // MARK: Reading

    public func order(id: String) async throws -> PaymentOrderRow? {
        try await database.pool.read { db in try PaymentOrderRow.fetchOne(db, key: id) }
    }

    public func order(tradeNo: String) async throws -> PaymentOrderRow? {
        try await database.pool.read { db in try PaymentOrderRow.filter(Column("trade_no") == tradeNo).fetchOne(db) }
    }

    public func orders(accountID: String, limit: Int = 100) async throws -> [PaymentOrderRow] {
        try await database.pool.read { db in
            try PaymentOrderRow.filter(Column("account_id") == accountID).order(Column("created_at").desc).limit(limit).fetchAll(db)
        }
    }

    public func refunds(orderID: String) async throws -> [PaymentRefundRow] {
        try await database.pool.read { db in
            try PaymentRefundRow.filter(Column("order_id") == orderID).order(Column("created_at")).fetchAll(db)
        }
    }

    // MARK: Closing

    /// Unpaid orders whose time is up; the caller closes each at its channel first, because the
    /// payer may have paid in the last second.
    public func dueForClosing(now: Date, limit: Int = 200) async throws -> [PaymentOrderRow] {
        try await database.pool.read { db in
            try PaymentOrderRow.fetchAll(db, sql: """
                SELECT * FROM payment_order WHERE state IN ('created', 'paying') AND expires_at <= ? ORDER BY expires_at LIMIT ?
                """, arguments: [now, limit])
        }
    }

    /// created/paying -> closed. A paid order is left alone.
    @discardableResult
    public func close(orderID: String, reason: String, now: Date) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: """
                UPDATE payment_order SET state = 'closed', closed_at = ?, updated_at = ? WHERE id = ? AND state IN ('created', 'paying')
                """, arguments: [now, now, orderID])
            guard db.changesCount == 1, let order = try PaymentOrderRow.fetchOne(db, key: orderID) else { return false }
            try Self.audit(db, order, "payment.close", actor: .system, detail: "reason=\(reason)", now: now)
            return true
        }
    }

    static func audit(_ db: GRDB.Database, _ order: PaymentOrderRow, _ action: String, actor: AuditActor, detail: String, now: Date) throws {
        try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: action, subjectKind: "payment_order",
                                    subjectID: order.id, detail: "trade=\(order.tradeNo) state=\(order.state) \(detail)", now: now)
    }
}

extension PaymentStore {
    /// Orders handed to the channel whose notification is overdue.
    public func paying(updatedBefore: Date, limit: Int = 100) async throws -> [PaymentOrderRow] {
        try await database.pool.read { db in
            try PaymentOrderRow.fetchAll(db, sql: """
                SELECT * FROM payment_order WHERE state = 'paying' AND updated_at <= ? ORDER BY updated_at LIMIT ?
                """, arguments: [updatedBefore, limit])
        }
    }
}

extension PaymentStore {
    public func touch(orderID: String, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE payment_order SET updated_at = ? WHERE id = ? AND state = 'paying'", arguments: [now, orderID])
        }
    }
}

extension PaymentStore {
    /// Staff looked at a resident's payment.
    public func auditRead(orderID: String, actor: AuditActor, now: Date) async throws {
        try await database.pool.write { db in
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "payment.read", subjectKind: "payment_order",
                                        subjectID: orderID, detail: "", now: now)
        }
    }
}
