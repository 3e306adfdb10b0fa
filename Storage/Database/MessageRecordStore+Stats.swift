import Foundation
import GRDB
import HuiminCore

extension MessageRecordStore {
    /// Counts for one business day, event and channel. Sends, deliveries, failures and fall-backs
    /// are counted per attempt on the channel that made it (so a WeChat refusal that fell back to
    /// SMS shows as a failure and a fall-back of WeChat, and a send of SMS); dead and inbox-only are
    /// counted per message, under the channel it stopped on (`inbox` for inbox-only, `none` when no
    /// channel was tried).
    public struct StatRow: Codable, Sendable, Equatable {
        public var day: String
        public var event: String
        public var channel: String
        /// A vendor took it (accepted, and whatever its receipt said later).
        public var sent: Int
        public var delivered: Int
        /// Refused by the vendor, or reported undelivered by its receipt.
        public var failed: Int
        public var fellBack: Int
        public var dead: Int
        public var inboxOnly: Int

        public init(day: String, event: String, channel: String, sent: Int = 0, delivered: Int = 0, failed: Int = 0, fellBack: Int = 0,
                    dead: Int = 0, inboxOnly: Int = 0) {
            self.day = day
            self.event = event
            self.channel = channel
            self.sent = sent
            self.delivered = delivered
            self.failed = failed
            self.fellBack = fellBack
            self.dead = dead
            self.inboxOnly = inboxOnly
        }
    }

    /// Messages created in [from, to), grouped by Asia/Shanghai business day, event and channel.
    public func stats(from: Date, to: Date) async throws -> [StatRow] {
        try await database.pool.read { db in
            // '+8 hours' is Asia/Shanghai (no daylight saving since 1991), as BusinessCalendar reckons.
            try Row.fetchAll(db, sql: """
                SELECT day, event, channel, SUM(sent) AS sent, SUM(delivered) AS delivered, SUM(failed) AS failed,
                       SUM(fell_back) AS fell_back, SUM(dead) AS dead, SUM(inbox_only) AS inbox_only
                FROM (
                    SELECT date(m.created_at, '+8 hours') AS day, m.event, a.channel,
                           a.status IN ('accepted', 'delivered', 'undelivered') AS sent, a.status = 'delivered' AS delivered,
                           a.status IN ('failed', 'undelivered') AS failed, a.outcome IS 'fall_back' AS fell_back,
                           0 AS dead, 0 AS inbox_only
                    FROM message m JOIN message_attempt a ON a.message_id = m.id
                    WHERE m.created_at >= ?1 AND m.created_at < ?2
                    UNION ALL
                    SELECT date(created_at, '+8 hours'), event,
                           CASE WHEN status = 'inbox_only' THEN 'inbox' ELSE COALESCE(channel, 'none') END,
                           0, 0, 0, 0, status = 'dead', status = 'inbox_only'
                    FROM message WHERE created_at >= ?1 AND created_at < ?2 AND status IN ('dead', 'inbox_only')
                )
                GROUP BY day, event, channel ORDER BY day, event, channel
                """, arguments: [from.sqlText, to.sqlText]).map { row in
                StatRow(day: row["day"], event: row["event"], channel: row["channel"], sent: row["sent"], delivered: row["delivered"],
                        failed: row["failed"], fellBack: row["fell_back"], dead: row["dead"], inboxOnly: row["inbox_only"])
            }
        }
    }
}
