import Foundation
import GRDB
import HuiminCore

/// Orders for clinic bills (门诊缴费, also scanned from the bill's QR code: 扫码付) and deposit
/// top-ups (住院预缴金). Neither holds a place, so an order lasts a fixed while.
extension PaymentStore {
    /// The order that pays an unpaid clinic bill. A bill has one open order at a time, whichever
    /// way it was reached; its payer asking again gets it again, anyone else is told to wait.
    /// With `insurance` (the centre's split, made for this request's trade number) the order asks
    /// the channel for the cash part only.
    public func openBillOrder(_ request: OrderRequest, billID: String, businessType: String, personID: String,
                              lifetime: TimeInterval, insurance: InsuranceSplitRow? = nil, now: Date) async throws -> Opened {
        try await database.pool.write { db in
            if let earlier = try Self.earlier(db, request) { return Opened(order: earlier, existing: true) }
            guard let bill = try ClinicBillRow.fetchOne(db, key: billID) else {
                throw AppError.notFound("bill_not_found", "No such bill.")
            }
            guard bill.state == "unpaid" else {
                throw AppError.conflict("bill_not_payable", bill.state == "paid"
                    ? "This bill is paid." : "The hospital withdrew this bill (paid at the window, or voided).")
            }
            if let open = try BillStore.openOrder(db, billID: billID) {
                guard open.accountId == request.accountID else {
                    throw AppError.conflict("bill_being_paid", "Someone is paying this bill right now; try again once their order closes.")
                }
                guard open.channel == request.channel else {
                    throw AppError.conflict("payment_open_elsewhere",
                        "This bill already has an unpaid \(open.channel) order; pay it there or wait until it closes.")
                }
                return Opened(order: open, existing: true)
            }
            if let insurance, insurance.totalFen != bill.totalFen {
                throw AppError.upstream("insurance_total_mismatch", "The insurance centre split \(insurance.totalFen) fen; the bill is \(bill.totalFen).")
            }
            let order = try Self.insertOrder(db, request, businessType: businessType, businessRef: billID, personID: personID,
                                             hospitalCode: bill.hospitalCode, description: "门诊缴费 \(bill.departmentName) \(bill.billNo)",
                                             amountFen: insurance?.cashFen ?? bill.totalFen, expiresAt: now.addingTimeInterval(lifetime), now: now)
            if var insurance {
                insurance.orderId = order.id
                try insurance.insert(db)
            }
            return Opened(order: order, existing: false)
        }
    }

    /// The order that tops up a hospital stay's deposit. Every top-up is its own item: paying
    /// twice is two top-ups, not a duplicate.
    public func openDepositOrder(_ request: OrderRequest, hospitalCode: String, admissionNo: String, patientID: String, personID: String,
                                 amountFen: Int64, lifetime: TimeInterval, now: Date) async throws -> Opened {
        try await database.pool.write { db in
            if let earlier = try Self.earlier(db, request) { return Opened(order: earlier, existing: true) }
            let order = try Self.insertOrder(db, request, businessType: "deposit", businessRef: request.orderID, personID: personID,
                                             hospitalCode: hospitalCode, description: "住院预缴金 \(admissionNo)", amountFen: amountFen,
                                             expiresAt: now.addingTimeInterval(lifetime), now: now)
            try DepositTopUpRow(orderId: order.id, hospitalCode: hospitalCode, admissionNo: admissionNo, patientId: patientID).insert(db)
            return Opened(order: order, existing: false)
        }
    }

    private static func insertOrder(_ db: GRDB.Database, _ request: OrderRequest, businessType: String, businessRef: String,
                                    personID: String, hospitalCode: String, description: String, amountFen: Int64,
                                    expiresAt: Date, now: Date) throws -> PaymentOrderRow {
        guard let merchant = try merchant(db, hospitalCode: hospitalCode, campusID: nil, channel: request.channel) else {
            throw AppError.rule("channel_not_available", "This hospital takes no payments through \(request.channel).")
        }
        let order = PaymentOrderRow(
            id: request.orderID, tradeNo: request.tradeNo, businessType: businessType, businessRef: businessRef,
            accountId: request.accountID, personId: personID, hospitalCode: hospitalCode, merchantId: merchant.id,
            channel: request.channel, description: String(description.prefix(127)), amountFen: amountFen, paidFen: 0, refundedFen: 0,
            refundingFen: 0, state: "created", channelTradeId: nil, prepayId: nil, expiresAt: expiresAt, paidAt: nil, closedAt: nil,
            idempotencyKey: request.idempotencyKey, requestDigest: request.requestDigest, createdAt: now, updatedAt: now)
        try order.insert(db)
        try audit(db, order, "payment.create", actor: .resident(request.accountID), detail: "fen=\(amountFen)", now: now)
        return order
    }

    public func insuranceSplit(orderID: String) async throws -> InsuranceSplitRow? {
        try await database.pool.read { db in try InsuranceSplitRow.fetchOne(db, key: orderID) }
    }

    /// The centre's word on a split: settled (with its settlement ID and time), cancelled or
    /// refunded (with the refund number and the centre's time of it).
    public func insuranceSplit(orderID: String, state: String, settlementID: String?, at: Date? = nil, refundNo: String? = nil,
                               now: Date) async throws {
        let settledAt = state == "settled" ? at : nil, refundedAt = state == "refunded" ? at : nil
        try await database.pool.write { db in
            try db.execute(sql: """
                UPDATE insurance_split SET state = ?, settlement_id = COALESCE(?, settlement_id),
                    settled_at = COALESCE(?, settled_at), refund_no = COALESCE(?, refund_no),
                    refunded_at = COALESCE(?, refunded_at), updated_at = ? WHERE order_id = ?
                """, arguments: [state, settlementID, settledAt, refundNo, refundedAt, now, orderID])
            if let order = try PaymentOrderRow.fetchOne(db, key: orderID) {
                try Self.audit(db, order, "insurance.\(state)", actor: AuditActor(kind: "channel", id: "insurance"),
                               detail: "settlement=\(settlementID ?? "")", now: now)
            }
        }
    }

    public func deposit(orderID: String) async throws -> DepositTopUpRow? {
        try await database.pool.read { db in try DepositTopUpRow.fetchOne(db, key: orderID) }
    }

    /// Fulfils a paid bill order inside the payment's transaction: the bill is paid and the
    /// payment queued for the HIS. Returns why the money must go back instead, if it must.
    static func fulfilBill(_ db: GRDB.Database, order: PaymentOrderRow, now: Date) throws -> (cause: String, reason: String)? {
        guard var bill = try ClinicBillRow.fetchOne(db, key: order.businessRef) else { return ("bill_not_found", "账单不存在，退款") }
        switch bill.state {
        case "paid": return ("duplicate_payment", "重复支付退款")
        case "withdrawn": return ("bill_withdrawn", "账单已撤回，退款")
        default: break
        }
        bill.state = "paid"
        bill.updatedAt = now
        try bill.update(db)
        try queuePosting(db, orderID: order.id, now: now)
        return nil
    }

    static func queuePosting(_ db: GRDB.Database, orderID: String, now: Date) throws {
        try HISPostingRow(orderId: orderID, state: "pending", receiptNo: nil, settledAt: nil, attempts: 0, lastError: nil,
                          nextAttemptAt: now, createdAt: now, updatedAt: now).insert(db)
    }
}
