import Foundation
import GRDB
import HuiminCore

/// The notification outbox. Domain changes append to it inside their own transactions; the
/// messaging dispatcher drains it. Payloads carry names of places and times, never personal data:
/// the dispatcher looks the recipient up when it sends.
public final class OutboxStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public struct Entry: Codable, Sendable {
        public var id: String
        public var event: String
        public var subjectKind: String
        public var subjectId: String
        public var urgent: Bool
        public var payload: [String: String]
        public var notBefore: String
        public var createdAt: String
        public var dispatchedAt: String?
    }

    /// Appends inside the caller's transaction. A message whose dedupe key is already queued is
    /// dropped, so a retried sweep cannot queue a second reminder.
    static func append(_ db: GRDB.Database, _ message: OutboxMessage, now: Date) throws {
        let payload = flatJSON(message.payload)
        let statement = try db.cachedStatement(sql: """
            INSERT INTO outbox (id, event, account_id, person_id, subject_kind, subject_id, urgent, payload, dedupe_key,
                                not_before, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING
            """)
        try statement.execute(arguments: [TypedID.ordered("msg", at: now), message.event, message.accountID, message.personID,
                                          message.subjectKind, message.subjectID, message.urgent, payload, message.dedupeKey,
                                          (message.notBefore ?? now).sqlText, now.sqlText])
    }

    /// Withdraws a message not yet sent (a reminder for a booking since cancelled).
    static func withdraw(_ db: GRDB.Database, dedupeKey: String) throws {
        try db.execute(sql: "DELETE FROM outbox WHERE dedupe_key = ? AND dispatched_at IS NULL", arguments: [dedupeKey])
    }

    public func entries(subjectID: String) async throws -> [Entry] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM outbox WHERE subject_id = ? ORDER BY created_at, rowid", arguments: [subjectID])
                .map(Self.entry)
        }
    }

    /// Messages for a whole session's bookings (a suspension notice goes to each of them).
    public func entries(sessionID: String) async throws -> [Entry] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT o.* FROM outbox o JOIN booking b ON b.id = o.subject_id
                WHERE b.session_id = ? ORDER BY o.created_at, o.rowid
                """, arguments: [sessionID]).map(Self.entry)
        }
    }

    private static func entry(_ row: Row) -> Entry {
        let payload = (try? JSONDecoder().decode([String: String].self, from: Data((row["payload"] as String).utf8))) ?? [:]
        return Entry(id: row["id"], event: row["event"], subjectKind: row["subject_kind"], subjectId: row["subject_id"],
                     urgent: row["urgent"], payload: payload, notBefore: ISO8601.string(row["not_before"]),
                     createdAt: ISO8601.string(row["created_at"]),
                     dispatchedAt: (row["dispatched_at"] as Date?).map(ISO8601.string))
    }
}

/// A flat string-to-string object as JSON with sorted keys. Written by hand, into UTF-8 bytes,
/// because every booking queues two of these inside its transaction, on the one writer thread.
func flatJSON(_ object: [String: String]) -> String {
    var out: [UInt8] = [UInt8(ascii: "{")]
    out.reserveCapacity(256)
    for (n, key) in object.keys.sorted().enumerated() {
        if n > 0 { out.append(UInt8(ascii: ",")) }
        appendJSONString(key, to: &out)
        out.append(UInt8(ascii: ":"))
        appendJSONString(object[key]!, to: &out)
    }
    out.append(UInt8(ascii: "}"))
    return String(decoding: out, as: UTF8.self)
}

private func appendJSONString(_ text: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
        case UInt8(ascii: "\n"): out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
        case UInt8(ascii: "\r"): out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
        case UInt8(ascii: "\t"): out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
        case ..<0x20: out += Array(String(format: "\\u%04x", byte).utf8)
        default: out.append(byte)
        }
    }
    out.append(UInt8(ascii: "\""))
}
