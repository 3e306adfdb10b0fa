import Foundation
import GRDB
import HuiminCore

/// Huimin's side of an insurance day (医保对明细账): the insurance splits of a hospital's orders.
extension ReconciliationStore {
    public struct InsuranceLedgerLine: Sendable {
        public var payOrderId: String
        public var tradeNo: String
        public var state: String
        public var settlementId: String?
        public var fundFen: Int64
        public var accountFen: Int64
        public var cashFen: Int64
        public var settledAt: Date?
        public var refundNo: String?
        public var refundedAt: Date?
    }

    /// The hospital's splits settled, refunded or (never settled) created in [from, to), and those
    /// the centre names by pay order ID wherever they fall: a settlement the centre made for an
    /// order Huimin cancelled days ago must still find it.
    public func insuranceLedger(hospitalCode: String, from: Date, to: Date, payOrderIDs: [String]) async throws -> [InsuranceLedgerLine] {
        try await database.pool.read { db in
            let named = payOrderIDs.isEmpty ? "" : " OR s.pay_order_id IN (\(databaseQuestionMarks(count: payOrderIDs.count)))"
            var arguments: StatementArguments = [hospitalCode, from, to, from, to, from, to]
            arguments += StatementArguments(payOrderIDs)
            let rows = try Row.fetchCursor(db, sql: """
                SELECT s.pay_order_id, o.trade_no, s.state, s.settlement_id, s.fund_fen, s.account_fen, s.cash_fen,
                       s.settled_at, s.refund_no, s.refunded_at
                FROM insurance_split s JOIN payment_order o ON o.id = s.order_id
                WHERE o.hospital_code = ? AND ((s.settled_at >= ? AND s.settled_at < ?) OR (s.refunded_at >= ? AND s.refunded_at < ?)
                    OR (s.settled_at IS NULL AND s.created_at >= ? AND s.created_at < ?)\(named))
                """, arguments: arguments)
            var lines: [InsuranceLedgerLine] = []
            while let row = try rows.next() {
                lines.append(InsuranceLedgerLine(payOrderId: row[0], tradeNo: row[1], state: row[2], settlementId: row[3], fundFen: row[4],
                                                 accountFen: row[5], cashFen: row[6], settledAt: row[7], refundNo: row[8],
                                                 refundedAt: row[9]))
            }
            return lines
        }
    }
}
