import Foundation
import GRDB
import HuiminCore

/// 群发: broadcasts, and their expansion into one outbox row per recipient account.
///
/// Expansion walks the audience in account-ID order, a batch per transaction that appends the
/// batch's outbox rows and moves the broadcast's cursor past them together. A crash therefore
/// loses or repeats nothing: the next batch starts after the last committed account, and the
/// outbox's dedupe key (`broadcast:{id}:{account}`) would drop a repeat anyway.
public final class BroadcastStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// Who a broadcast goes to; stored as the JSON the API takes.
    public enum Audience: Sendable, Equatable, Codable {
        case accounts([String])
        /// Accounts with a patient card (就诊卡) at the hospital or a booking there.
        case hospital(String)
        case all

        enum CodingKeys: String, CodingKey { case kind, accountIds, hospitalCode }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            switch try c.decode(String.self, forKey: .kind) {
            case "accounts": self = .accounts(try c.decode([String].self, forKey: .accountIds))
            case "hospital": self = .hospital(try c.decode(String.self, forKey: .hospitalCode))
            case "all": self = .all
            case let other:
                throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "No audience kind '\(other)'.")
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .accounts(let ids): try c.encode("accounts", forKey: .kind); try c.encode(ids, forKey: .accountIds)
            case .hospital(let code): try c.encode("hospital", forKey: .kind); try c.encode(code, forKey: .hospitalCode)
            case .all: try c.encode("all", forKey: .kind)
            }
        }
    }

    public struct Draft: Sendable, Equatable {
        public var event: String
        public var audience: Audience
        public var payload: [String: String]
        public var urgent: Bool

        public init(event: String, audience: Audience, payload: [String: String], urgent: Bool) {
            self.event = event
            self.audience = audience
            self.payload = payload
            self.urgent = urgent
        }
    }

    public struct Broadcast: Sendable, Equatable {
        public var id: String
        public var draft: Draft
        public var idempotencyKey: String?
        /// `expanding` until every recipient has an outbox row, then `queued`.
        public var status: String
        /// Outbox rows written so far.
        public var recipients: Int
        public var cursor: String?
        public var createdBy: String
        public var createdAt: Date
        public var expandedAt: Date?
    }

    /// Writes a new broadcast in `expanding`, audited; with an idempotency key already used for
    /// the same draft, returns that broadcast instead (`created` false).
    public func create(_ draft: Draft, idempotencyKey: String?, actor: AuditActor, now: Date) async throws -> (Broadcast, created: Bool) {
        let audience = String(decoding: try JSONEncoder().encode(draft.audience), as: UTF8.self)
        return try await database.pool.write { db in
            if let key = idempotencyKey,
               let earlier = try Row.fetchOne(db, sql: "SELECT * FROM broadcast WHERE idempotency_key = ?", arguments: [key]).map(Self.broadcast) {
                guard earlier.draft == draft else {
                    throw AppError.conflict("idempotency_conflict", "This Idempotency-Key was used for a different broadcast.")
                }
                return (earlier, false)
            }
            try Self.checkAudience(db, draft.audience)
            let id = TypedID.ordered("brd", at: now)
            try db.execute(sql: """
                INSERT INTO broadcast (id, event, audience, payload, urgent, idempotency_key, status, created_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 'expanding', ?, ?)
                """, arguments: [id, draft.event, audience, flatJSON(draft.payload), draft.urgent, idempotencyKey,
                                 "\(actor.kind):\(actor.id)", now])
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "broadcast.create", subjectKind: "broadcast",
                                        subjectID: id, detail: "event=\(draft.event) audience=\(Self.kind(draft.audience))", now: now)
            return (Broadcast(id: id, draft: draft, idempotencyKey: idempotencyKey, status: "expanding", recipients: 0, cursor: nil,
                              createdBy: "\(actor.kind):\(actor.id)", createdAt: now, expandedAt: nil), true)
        }
    }

    public func broadcast(id: String) async throws -> Broadcast? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM broadcast WHERE id = ?", arguments: [id]).map(Self.broadcast)
        }
    }

    /// Broadcasts still expanding, oldest first (including ones a crash interrupted).
    public func expanding() async throws -> [String] {
        try await database.pool.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM broadcast WHERE status = 'expanding' ORDER BY created_at, id")
        }
    }

    /// Expands the next `batchSize` recipients of a broadcast in one transaction; returns the
    /// broadcast as it then stands (nil if there is none). A batch shorter than `batchSize` is the
    /// last: the broadcast becomes `queued`.
    public func expandBatch(id: String, batchSize: Int, now: Date) async throws -> Broadcast? {
        try await database.pool.write { db in
            guard var broadcast = try Row.fetchOne(db, sql: "SELECT * FROM broadcast WHERE id = ?", arguments: [id]).map(Self.broadcast)
            else { return nil }
            guard broadcast.status == "expanding" else { return broadcast }
            let recipients = try Self.recipients(db, broadcast.draft.audience, after: broadcast.cursor ?? "", limit: batchSize)
            let draft = broadcast.draft
            for (accountID, personID) in recipients {
                try OutboxStore.append(db, OutboxMessage(
                    event: draft.event, accountID: accountID, personID: personID, subjectKind: "broadcast", subjectID: id,
                    urgent: draft.urgent, payload: draft.payload, dedupeKey: "broadcast:\(id):\(accountID)"), now: now)
            }
            broadcast.recipients += recipients.count
            broadcast.cursor = recipients.last?.account ?? broadcast.cursor
            if recipients.count < batchSize {
                broadcast.status = "queued"
                broadcast.expandedAt = now
            }
            try db.execute(sql: "UPDATE broadcast SET recipients = ?, cursor = ?, status = ?, expanded_at = ? WHERE id = ?",
                           arguments: [broadcast.recipients, broadcast.cursor, broadcast.status, broadcast.expandedAt, id])
            return broadcast
        }
    }

    /// The broadcast's messages by status, from `message` (rows the dispatcher has taken in).
    public func messageCounts(id: String) async throws -> [String: Int] {
        try await database.pool.read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM message WHERE subject_id = ? GROUP BY status",
                                        arguments: [id]) {
                counts[row["status"]] = row["n"]
            }
            return counts
        }
    }

    /// The next recipients after `cursor` in account-ID order, each with the person of its `self`
    /// family member (the real name a message about the account is addressed to), if any.
    static func recipients(_ db: GRDB.Database, _ audience: Audience, after cursor: String, limit: Int) throws -> [(account: String, person: String?)] {
        let selfPerson = "(SELECT person_id FROM family_member f WHERE f.account_id = a.id AND f.relation = 'self')"
        let statement: Statement
        let arguments: StatementArguments
        switch audience {
        case .all:
            statement = try db.cachedStatement(sql: "SELECT a.id, \(selfPerson) FROM account a WHERE a.id > ? ORDER BY a.id LIMIT ?")
            arguments = [cursor, limit]
        case .accounts(let ids):
            statement = try db.cachedStatement(sql: """
                SELECT a.id, \(selfPerson) FROM account a
                WHERE a.id IN (SELECT value FROM json_each(?)) AND a.id > ? ORDER BY a.id LIMIT ?
                """)
            arguments = [String(decoding: try JSONEncoder().encode(ids), as: UTF8.self), cursor, limit]
        case .hospital(let code):
            // Walks accounts in order and asks each through its own indexes (booking's account and
            // idempotency key, the family list, patient_card's key): booking has no hospital index
            // to start from.
            statement = try db.cachedStatement(sql: """
                SELECT a.id, \(selfPerson) FROM account a
                WHERE a.id > ?1 AND (
                    EXISTS (SELECT 1 FROM booking b WHERE b.account_id = a.id AND b.hospital_code = ?2)
                    OR EXISTS (SELECT 1 FROM family_member f JOIN patient_card pc ON pc.person_id = f.person_id AND pc.hospital_code = ?2
                               WHERE f.account_id = a.id))
                ORDER BY a.id LIMIT ?3
                """)
            arguments = [cursor, code, limit]
        }
        return try Row.fetchAll(statement, arguments: arguments).map { row -> (account: String, person: String?) in (row[0], row[1]) }
    }

    static func checkAudience(_ db: GRDB.Database, _ audience: Audience) throws {
        switch audience {
        case .all: return
        case .hospital(let code):
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM hospital WHERE code = ?", arguments: [code]) == true else {
                throw AppError.notFound("hospital_not_found", "No hospital with that code is connected to Huimin.")
            }
        case .accounts(let ids):
            let json = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
            let known = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM account WHERE id IN (SELECT value FROM json_each(?))",
                                         arguments: [json]) ?? 0
            guard known == Set(ids).count else {
                throw AppError.invalid("broadcast_audience_invalid", "\(Set(ids).count - known) of the account IDs belong to no account.")
            }
        }
    }

    static func kind(_ audience: Audience) -> String {
        switch audience {
        case .accounts(let ids): "accounts(\(ids.count))"
        case .hospital(let code): "hospital(\(code))"
        case .all: "all"
        }
    }

    static func broadcast(_ row: Row) -> Broadcast {
        let audience = (try? JSONDecoder().decode(Audience.self, from: Data((row["audience"] as String).utf8))) ?? .accounts([])
        let payload = MessageRecordStore.decode([String: String].self, row["payload"]) ?? [:]
        return Broadcast(id: row["id"], draft: Draft(event: row["event"], audience: audience, payload: payload, urgent: row["urgent"]),
                         idempotencyKey: row["idempotency_key"], status: row["status"], recipients: row["recipients"], cursor: row["cursor"],
                         createdBy: row["created_by"], createdAt: row["created_at"], expandedAt: row["expanded_at"])
    }
}
