import Foundation
import GRDB
import HuiminCore

/// Messages and their attempts as staff search them (the dispatcher writes them, DispatchStore).
/// Reads of one resident's records and the requeue of a dead message are audited here, in the
/// transaction that does them.
public final class MessageRecordStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// A message as staff see it. Times are ISO 8601 text, as the API writes them.
    public struct Message: Codable, Sendable, Equatable {
        public var id: String
        public var event: String
        public var accountId: String?
        public var personId: String?
        public var subjectKind: String
        public var subjectId: String
        public var urgent: Bool
        public var payload: [String: String]
        public var status: String
        /// The push channels in the order tried.
        public var plan: [String]
        public var step: Int
        public var channel: String?
        public var attempts: Int
        public var fellBack: Bool
        public var dueAt: String
        public var heldReason: String?
        public var vendorMessageId: String?
        public var lastError: String?
        public var createdAt: String
        public var queuedAt: String
        public var sentAt: String?
        public var deliveredAt: String?
        public var finishedAt: String?
    }

    public struct Attempt: Codable, Sendable, Equatable {
        public var id: String
        public var channel: String
        public var status: String
        public var outcome: String?
        public var vendorMessageId: String?
        public var errorCode: String?
        public var errorMessage: String?
        public var startedAt: String
        public var finishedAt: String?
        public var receiptAt: String?
    }

    public struct Query: Sendable, Equatable {
        public var accountID: String?
        public var personID: String?
        public var event: String?
        public var channel: String?
        public var status: String?
        /// Created at or after.
        public var from: Date?
        /// Created before.
        public var to: Date?

        public init(accountID: String? = nil, personID: String? = nil, event: String? = nil, channel: String? = nil,
                    status: String? = nil, from: Date? = nil, to: Date? = nil) {
            self.accountID = accountID
            self.personID = personID
            self.event = event
            self.channel = channel
            self.status = status
            self.from = from
            self.to = to
        }
    }

    /// What an audit entry of a search names: the resident searched for, or `messages`/`*` for a
    /// search across residents, and the filters.
    public struct AuditSubject: Sendable, Equatable {
        public var kind: String
        public var id: String
        public var detail: String

        public init(kind: String, id: String, detail: String) {
            self.kind = kind
            self.id = id
            self.detail = detail
        }
    }

    /// Sealed personal data of whom a message went to, for a masked view.
    public struct Recipient: Sendable, Equatable {
        public var personId: String?
        public var nameSealed: Data?
        public var phoneSealed: Data?
    }

    /// Newest first. The read is audited (`message.search`, with the filters and the number of
    /// results) before the rows are returned.
    public func search(_ query: Query, after: Keyset?, limit: Int, readBy actor: AuditActor, about subject: AuditSubject,
                       now: Date) async throws -> KeysetPage<Message> {
        let rows = try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT *, created_at AS created FROM message
                WHERE (?1 IS NULL OR account_id = ?1) AND (?2 IS NULL OR person_id = ?2) AND (?3 IS NULL OR event = ?3)
                  AND (?4 IS NULL OR channel = ?4) AND (?5 IS NULL OR status = ?5)
                  AND (?6 IS NULL OR created_at >= ?6) AND (?7 IS NULL OR created_at < ?7)
                  AND (?8 IS NULL OR (created_at, id) < (?8, ?9))
                ORDER BY created_at DESC, id DESC LIMIT ?10
                """, arguments: [query.accountID, query.personID, query.event, query.channel, query.status, query.from?.sqlText,
                                 query.to?.sqlText, after?.at, after?.id, limit + 1]).map { (Self.message($0), $0["created"] as Date) }
        }
        let full = KeysetPage(rows: rows, limit: limit) { Keyset(createdAt: $0.1, id: $0.0.id) }
        let page = KeysetPage(items: full.items.map(\.0), next: full.next)
        try await database.pool.write { db in
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "message.search", subjectKind: subject.kind,
                                        subjectID: subject.id, detail: "\(subject.detail) results=\(page.items.count)", now: now)
        }
        return page
    }

    /// One message, its attempts in order and its recipient's sealed data; the read is audited
    /// (`message.read`, against the person, or the account when the message has no person).
    public func message(id: String, readBy actor: AuditActor, now: Date) async throws -> (Message, [Attempt], Recipient)? {
        let found = try await database.pool.read { db -> (Message, [Attempt], Recipient)? in
            guard let message = try Row.fetchOne(db, sql: "SELECT * FROM message WHERE id = ?", arguments: [id]).map(Self.message) else {
                return nil
            }
            let attempts = try Row.fetchAll(db, sql: "SELECT * FROM message_attempt WHERE message_id = ? ORDER BY started_at, rowid",
                                            arguments: [id]).map(Self.attempt)
            return (message, attempts, try Self.recipient(db, accountID: message.accountId, personID: message.personId))
        }
        guard let found else { return nil }
        let (message, _, recipient) = found
        try await database.pool.write { db in
            let (kind, subject) = recipient.personId.map { ("person", $0) } ?? ("account", message.accountId ?? "-")
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "message.read", subjectKind: kind,
                                        subjectID: subject, detail: "message=\(message.id)", now: now)
        }
        return found
    }

    /// Puts a dead message back to pending, due now, with a fresh retry budget; it goes on from the
    /// channel where it stopped (what a person fixed, such as a template, is usually that one).
    /// Audited. Nil when there is no such message; the error `message_not_dead` when it is not dead.
    public func requeue(id: String, actor: AuditActor, now: Date) async throws -> Message? {
        try await database.pool.write { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM message WHERE id = ?", arguments: [id]) else { return nil }
            guard status == "dead" else {
                throw AppError.conflict("message_not_dead", "Only a dead message is requeued; this one is \(status).")
            }
            try db.execute(sql: """
                UPDATE message SET status = 'pending', due_at = ?, attempts = 0, held_reason = NULL, finished_at = NULL
                WHERE id = ? AND status = 'dead'
                """, arguments: [now, id])
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "message.requeue", subjectKind: "message",
                                        subjectID: id, detail: "", now: now)
            return try Row.fetchOne(db, sql: "SELECT * FROM message WHERE id = ?", arguments: [id]).map(Self.message)
        }
    }

    static func recipient(_ db: GRDB.Database, accountID: String?, personID: String?) throws -> Recipient {
        // A message about the account as a whole (a broadcast) is addressed to its own real name.
        let row = try Row.fetchOne(db, sql: """
            SELECT p.id, p.name_sealed, COALESCE(p.phone_sealed, fm.phone_sealed) AS phone_sealed
            FROM person p LEFT JOIN family_member fm ON fm.person_id = p.id AND fm.account_id = ?1
            WHERE p.id = COALESCE(?2, (SELECT person_id FROM family_member WHERE account_id = ?1 AND relation = 'self'))
            LIMIT 1
            """, arguments: [accountID, personID])
        return Recipient(personId: row?["id"] ?? personID, nameSealed: row?["name_sealed"], phoneSealed: row?["phone_sealed"])
    }

    static func message(_ row: Row) -> Message {
        Message(id: row["id"], event: row["event"], accountId: row["account_id"], personId: row["person_id"],
                subjectKind: row["subject_kind"], subjectId: row["subject_id"], urgent: row["urgent"],
                payload: decode([String: String].self, row["payload"]) ?? [:], status: row["status"],
                plan: decode([String].self, row["plan"]) ?? [], step: row["step"], channel: row["channel"], attempts: row["attempts"],
                fellBack: (row["fell_back"] as Int) > 0, dueAt: iso(row["due_at"]), heldReason: row["held_reason"],
                vendorMessageId: row["vendor_message_id"], lastError: row["last_error"], createdAt: iso(row["created_at"]),
                queuedAt: iso(row["queued_at"]), sentAt: iso(row["sent_at"]), deliveredAt: iso(row["delivered_at"]),
                finishedAt: iso(row["finished_at"]))
    }

    static func attempt(_ row: Row) -> Attempt {
        Attempt(id: row["id"], channel: row["channel"], status: row["status"], outcome: row["outcome"],
                vendorMessageId: row["vendor_message_id"], errorCode: row["error_code"], errorMessage: row["error_message"],
                startedAt: iso(row["started_at"]), finishedAt: iso(row["finished_at"]), receiptAt: iso(row["receipt_at"]))
    }

    static func iso(_ date: Date) -> String { ISO8601.string(date) }
    static func iso(_ date: Date?) -> String? { date.map(ISO8601.string) }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) -> T? {
        try? JSONDecoder().decode(T.self, from: Data(json.utf8))
    }
}
