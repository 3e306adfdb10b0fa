import Foundation
import GRDB
import HuiminCore

/// A business day's reconciliation for one merchant.
public struct ReconDayRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "recon_day"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: String
    public var day: String
    public var merchantId: String
    public var state: String
    public var channelFile: String?
    public var channelFileSha256: String?
    public var hisFile: String?
    public var hisFileSha256: String?
    /// The last run's summary as JSON.
    public var summary: String?
    public var runs: Int
    public var lastRunAt: Date?
    public var closedBy: String?
    public var closedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date
}

public struct ReconDifferenceRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "recon_difference"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var reconDayId: String
    public var id: String
    public var kind: String
    public var movement: String
    public var tradeNo: String
    public var refundNo: String?
    public var amountFen: Int64
    public var huiminFen: Int64?
    public var channelFen: Int64?
    public var hisFen: Int64?
    public var detail: String
    public var proposedAction: String
    public var state: String
    public var resolution: String?
    public var note: String?
    public var resolvedBy: String?
    public var resolvedAt: Date?
    public var firstSeenAt: Date
    public var lastSeenAt: Date
    /// Insurance days: the centre's settlement ID, and the part of an amount mismatch.
    public var settlementId: String?
    public var part: String?

    public init(reconDayId: String, id: String, kind: String, movement: String, tradeNo: String, refundNo: String?, amountFen: Int64,
                huiminFen: Int64?, channelFen: Int64?, hisFen: Int64?, detail: String, proposedAction: String,
                settlementId: String? = nil, part: String? = nil, now: Date) {
        self.reconDayId = reconDayId
        self.id = id
        self.kind = kind
        self.movement = movement
        self.tradeNo = tradeNo
        self.refundNo = refundNo
        self.amountFen = amountFen
        self.huiminFen = huiminFen
        self.channelFen = channelFen
        self.hisFen = hisFen
        self.detail = detail
        self.proposedAction = proposedAction
        self.settlementId = settlementId
        self.part = part
        state = "open"
        firstSeenAt = now
        lastSeenAt = now
    }
}

/// Reconciliation days and their differences. Runs replace what a day found while keeping each
/// difference's resolution; a closed day (日结) changes no more.
public final class ReconciliationStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    static let dayClosed = AppError.conflict("day_closed", "This day is closed (日结) and changes no more.")

    public func day(_ day: String, merchantID: String) async throws -> ReconDayRow? {
        try await database.pool.read { db in
            try ReconDayRow.filter(Column("day") == day && Column("merchant_id") == merchantID).fetchOne(db)
        }
    }

    public func merchant(id: String) async throws -> MerchantRow? {
        try await database.pool.read { db in try MerchantRow.fetchOne(db, key: id) }
    }

    /// Records the channel bill or HIS file a day is reconciled against; audited.
    public func attachFile(day: String, merchantID: String, side: String, path: String, sha256: String, actor: AuditActor,
                           now: Date) async throws -> ReconDayRow {
        try await database.pool.write { db in
            var row = try Self.ensure(db, day: day, merchantID: merchantID, now: now)
            guard row.state == "open" else { throw Self.dayClosed }
            if side == "channel" {
                row.channelFile = path
                row.channelFileSha256 = sha256
            } else {
                row.hisFile = path
                row.hisFileSha256 = sha256
            }
            row.updatedAt = now
            try row.update(db)
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "reconciliation.file", subjectKind: "recon_day",
                                        subjectID: row.id, detail: "side=\(side) sha256=\(sha256)", now: now)
            return row
        }
    }

    private static func ensure(_ db: GRDB.Database, day: String, merchantID: String, now: Date) throws -> ReconDayRow {
        if let row = try ReconDayRow.filter(Column("day") == day && Column("merchant_id") == merchantID).fetchOne(db) { return row }
        let row = ReconDayRow(id: TypedID.make("rcd"), day: day, merchantId: merchantID, state: "open", channelFile: nil,
                              channelFileSha256: nil, hisFile: nil, hisFileSha256: nil, summary: nil, runs: 0, lastRunAt: nil,
                              closedBy: nil, closedAt: nil, createdAt: now, updatedAt: now)
        try row.insert(db)
        return row
    }

    public struct RunCounts: Sendable, Equatable {
        public var new = 0
        public var stillOpen = 0
        public var resolvedKept = 0
        public var gone = 0
    }

    /// Saves a run: differences found again keep their state and resolution (amounts and detail
    /// are refreshed), new ones open, and open ones not found again are marked gone.
    public func saveRun(day: String, merchantID: String, summaryJSON: String, differences: [ReconDifferenceRow], actor: AuditActor,
                        now: Date) async throws -> (day: ReconDayRow, counts: RunCounts) {
        try await database.pool.write { db in
            var row = try Self.ensure(db, day: day, merchantID: merchantID, now: now)
            guard row.state == "open" else { throw Self.dayClosed }
            var counts = RunCounts()
            var seen = Set<String>()
            for var difference in differences {
                difference.reconDayId = row.id
                seen.insert(difference.id)
                if var existing = try ReconDifferenceRow.fetchOne(db, key: ["recon_day_id": row.id, "id": difference.id]) {
                    existing.amountFen = difference.amountFen
                    existing.huiminFen = difference.huiminFen
                    existing.channelFen = difference.channelFen
                    existing.hisFen = difference.hisFen
                    existing.detail = difference.detail
                    existing.proposedAction = difference.proposedAction
                    existing.lastSeenAt = now
                    if existing.state == "gone" { existing.state = "open" }
                    if existing.state == "resolved" { counts.resolvedKept += 1 } else { counts.stillOpen += 1 }
                    try existing.update(db)
                } else {
                    difference.firstSeenAt = now
                    difference.lastSeenAt = now
                    try difference.insert(db)
                    counts.new += 1
                }
            }
            for var open in try ReconDifferenceRow.filter(Column("recon_day_id") == row.id && Column("state") == "open").fetchAll(db)
            where !seen.contains(open.id) {
                open.state = "gone"
                try open.update(db)
                counts.gone += 1
            }
            row.summary = summaryJSON
            row.runs += 1
            row.lastRunAt = now
            row.updatedAt = now
            try row.update(db)
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "reconciliation.run", subjectKind: "recon_day",
                                        subjectID: row.id,
                                        detail: "new=\(counts.new) open=\(counts.stillOpen) resolved=\(counts.resolvedKept) gone=\(counts.gone)",
                                        now: now)
            return (row, counts)
        }
    }

    public func differences(dayID: String, kind: String?, state: String?) async throws -> [ReconDifferenceRow] {
        try await database.pool.read { db in
            var request = ReconDifferenceRow.filter(Column("recon_day_id") == dayID)
            if let kind { request = request.filter(Column("kind") == kind) }
            if let state { request = request.filter(Column("state") == state) }
            return try request.order(Column("kind"), Column("trade_no"), Column("refund_no")).fetchAll(db)
        }
    }

    /// A cashier's decision on one difference, with a note; audited.
    public func resolve(dayID: String, differenceID: String, resolution: String, note: String, actor: AuditActor,
                        now: Date) async throws -> ReconDifferenceRow {
        try await database.pool.write { db in
            guard let day = try ReconDayRow.fetchOne(db, key: dayID) else { throw AppError.internalError }
            guard day.state == "open" else { throw Self.dayClosed }
            guard var row = try ReconDifferenceRow.fetchOne(db, key: ["recon_day_id": dayID, "id": differenceID]) else {
                throw AppError.notFound("difference_not_found", "No such difference on this day.")
            }
            guard row.state == "open" else {
                throw AppError.conflict("difference_not_open", "This difference is \(row.state).")
            }
            row.state = "resolved"
            row.resolution = resolution
            row.note = note
            row.resolvedBy = actor.id
            row.resolvedAt = now
            try row.update(db)
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "reconciliation.resolve",
                                        subjectKind: "recon_difference", subjectID: "\(day.id)/\(row.id)",
                                        detail: "kind=\(row.kind) trade=\(row.tradeNo) action=\(resolution) note=\(note)", now: now)
            return row
        }
    }

    /// 日结: only a day that was run and has nothing left open.
    public func close(dayID: String, actor: AuditActor, now: Date) async throws -> ReconDayRow {
        try await database.pool.write { db in
            guard var day = try ReconDayRow.fetchOne(db, key: dayID) else { throw AppError.internalError }
            guard day.state == "open" else { throw Self.dayClosed }
            guard day.runs > 0 else {
                throw AppError.conflict("day_not_reconciled", "Run the day's reconciliation before closing it.")
            }
            let open = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM recon_difference WHERE recon_day_id = ? AND state = 'open'",
                                        arguments: [dayID]) ?? 0
            guard open == 0 else {
                throw AppError.conflict("differences_open", "\(open) differences are still open; resolve them before closing the day.")
            }
            day.state = "closed"
            day.closedBy = actor.id
            day.closedAt = now
            day.updatedAt = now
            try day.update(db)
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "reconciliation.close", subjectKind: "recon_day",
                                        subjectID: day.id, detail: "day=\(day.day)", now: now)
            return day
        }
    }

    public func days(from: String, to: String) async throws -> [ReconDayRow] {
        try await database.pool.read { db in
            try ReconDayRow.filter(Column("day") >= from && Column("day") <= to).order(Column("day"), Column("merchant_id")).fetchAll(db)
        }
    }

    /// Huimin's side: a merchant's payments taken and refunds done in [from, to).
    public struct LedgerLine: Sendable {
        public var isRefund: Bool
        public var tradeNo: String
        public var refundNo: String
        public var orderID: String
        public var businessRef: String
        public var amountFen: Int64
        public var at: Date
    }

    public func ledger(merchantID: String, from: Date, to: Date) async throws -> [LedgerLine] {
        try await database.pool.read { db in
            var lines: [LedgerLine] = []
            let payments = try Row.fetchCursor(db, sql: """
                SELECT id, trade_no, business_ref, paid_fen, paid_at FROM payment_order
                WHERE merchant_id = ? AND paid_at >= ? AND paid_at < ? AND paid_fen > 0
                """, arguments: [merchantID, from, to])
            while let row = try payments.next() {
                lines.append(LedgerLine(isRefund: false, tradeNo: row[1], refundNo: "", orderID: row[0], businessRef: row[2],
                                        amountFen: row[3], at: row[4]))
            }
            let refunds = try Row.fetchCursor(db, sql: """
                SELECT o.id, o.trade_no, o.business_ref, r.amount_fen, r.succeeded_at, r.refund_no FROM payment_refund r
                JOIN payment_order o ON o.id = r.order_id
                WHERE o.merchant_id = ? AND r.state = 'succeeded' AND r.succeeded_at >= ? AND r.succeeded_at < ?
                """, arguments: [merchantID, from, to])
            while let row = try refunds.next() {
                lines.append(LedgerLine(isRefund: true, tradeNo: row[1], refundNo: row[5], orderID: row[0], businessRef: row[2],
                                        amountFen: row[3], at: row[4]))
            }
            return lines
        }
    }

    /// Trade numbers of the merchant's orders, paid in this window, that the HIS refused and that
    /// went back to the payer: the HIS is not expected to hold them.
    public func hisRefusedTrades(merchantID: String, from: Date, to: Date) async throws -> Set<String> {
        try await database.pool.read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT o.trade_no FROM payment_order o JOIN his_posting p ON p.order_id = o.id
                WHERE o.merchant_id = ? AND o.paid_at >= ? AND o.paid_at < ? AND p.state = 'refused'
                """, arguments: [merchantID, from, to]))
        }
    }
}
