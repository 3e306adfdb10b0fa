import Foundation
import GRDB

/// Takings per channel per business day (Asia/Shanghai), for the cashiers' charts.
public struct DailyTakings: Sendable, Codable, FetchableRecord {
    /// yyyy-MM-dd in Beijing time.
    public var day: String
    public var channel: String
    public var payments: Int
    public var paidFen: Int64
    public var refunds: Int
    public var refundedFen: Int64
}

extension PaymentStore {
    /// Paid orders by the Beijing day they were paid, and succeeded refunds by the day they went
    /// back, per channel, for days in [from, to) given as UTC instants of Beijing midnights.
    public func dailyTakings(from: Date, to: Date) async throws -> [DailyTakings] {
        try await database.pool.read { db in
            try DailyTakings.fetchAll(db, sql: """
                WITH paid AS (
                    SELECT date(paid_at, '+8 hours') AS day, channel, COUNT(*) AS payments, SUM(paid_fen) AS paid_fen
                    FROM payment_order WHERE paid_at >= ?1 AND paid_at < ?2 AND paid_fen > 0 GROUP BY 1, 2),
                refunded AS (
                    SELECT date(r.updated_at, '+8 hours') AS day, o.channel, COUNT(*) AS refunds, SUM(r.amount_fen) AS refunded_fen
                    FROM payment_refund r JOIN payment_order o ON o.id = r.order_id
                    WHERE r.state = 'succeeded' AND r.updated_at >= ?1 AND r.updated_at < ?2 GROUP BY 1, 2),
                keys AS (SELECT day, channel FROM paid UNION SELECT day, channel FROM refunded)
                SELECT k.day, k.channel, COALESCE(p.payments, 0) AS payments, COALESCE(p.paid_fen, 0) AS paidFen,
                       COALESCE(r.refunds, 0) AS refunds, COALESCE(r.refunded_fen, 0) AS refundedFen
                FROM keys k LEFT JOIN paid p USING (day, channel) LEFT JOIN refunded r USING (day, channel)
                ORDER BY k.day, k.channel
                """, arguments: [from, to])
        }
    }
}
