import Foundation
import GRDB
import HuiminCore

/// Message templates, versioned: each save is a new row and an audit entry in one transaction.
public final class TemplateStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// One saved version, as stored. `channel` is the Notices channel's raw value.
    public struct Record: Sendable, Equatable {
        public var event: String
        public var channel: String
        public var version: Int
        public var templateId: String?
        public var signName: String?
        public var keywords: [String: String]
        public var page: String?
        public var url: String?
        public var enabled: Bool
        public var createdAt: Date
        public var createdBy: String

        public init(event: String, channel: String, version: Int = 0, templateId: String?, signName: String?,
                    keywords: [String: String], page: String?, url: String?, enabled: Bool, createdAt: Date = Date(timeIntervalSince1970: 0),
                    createdBy: String = "") {
            self.event = event
            self.channel = channel
            self.version = version
            self.templateId = templateId
            self.signName = signName
            self.keywords = keywords
            self.page = page
            self.url = url
            self.enabled = enabled
            self.createdAt = createdAt
            self.createdBy = createdBy
        }
    }

    /// The version in use of every template, optionally of one event and/or channel.
    public func current(event: String? = nil, channel: String? = nil) async throws -> [Record] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT t.* FROM message_template t
                WHERE (?1 IS NULL OR t.event = ?1) AND (?2 IS NULL OR t.channel = ?2)
                  AND t.version = (SELECT MAX(version) FROM message_template m WHERE m.event = t.event AND m.channel = t.channel)
                ORDER BY t.event, t.channel
                """, arguments: [event, channel]).map(Self.record)
        }
    }

    /// Every version of one template, newest first.
    public func versions(event: String, channel: String) async throws -> [Record] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM message_template WHERE event = ? AND channel = ? ORDER BY version DESC
                """, arguments: [event, channel]).map(Self.record)
        }
    }

    /// Saves `record` as the next version. With `expectedVersion`, refuses (409) when someone saved
    /// in between, so two admins editing the same template cannot silently overwrite each other.
    public func save(_ record: Record, expectedVersion: Int?, actor: AuditActor, now: Date) async throws -> Record {
        try await database.pool.write { db in
            let current = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM message_template WHERE event = ? AND channel = ?",
                                           arguments: [record.event, record.channel]) ?? 0
            if let expectedVersion, expectedVersion != current {
                throw AppError.conflict("template_version_conflict",
                                        "This template is at version \(current), not \(expectedVersion); reload it and save again.")
            }
            var saved = record
            saved.version = current + 1
            saved.createdAt = now
            saved.createdBy = "\(actor.kind):\(actor.id)"
            try Self.insert(db, saved)
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "template.save",
                                        subjectKind: "message_template", subjectID: "\(record.event)/\(record.channel)",
                                        detail: "version=\(saved.version) enabled=\(saved.enabled)", now: now)
            return saved
        }
    }

    /// Saves, as version 1, each record whose (event, channel) has no template yet; one transaction.
    /// Returns how many were added.
    public func loadDefaults(_ records: [Record], actor: AuditActor, now: Date) async throws -> Int {
        try await database.pool.write { db in
            var added = 0
            for var record in records {
                let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM message_template WHERE event = ? AND channel = ? LIMIT 1",
                                               arguments: [record.event, record.channel]) ?? false
                guard !exists else { continue }
                record.version = 1
                record.createdAt = now
                record.createdBy = "\(actor.kind):\(actor.id)"
                try Self.insert(db, record)
                added += 1
            }
            if added > 0 {
                try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "template.load_defaults",
                                            subjectKind: "message_template", subjectID: "*", detail: "added=\(added)", now: now)
            }
            return added
        }
    }

    static func insert(_ db: GRDB.Database, _ r: Record) throws {
        try db.execute(sql: """
            INSERT INTO message_template (event, channel, version, template_id, sign_name, keywords, page, url, enabled,
                                          created_at, created_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [r.event, r.channel, r.version, r.templateId, r.signName, flatJSON(r.keywords), r.page, r.url,
                             r.enabled, r.createdAt, r.createdBy])
    }

    static func record(_ row: Row) -> Record {
        let json: String = row["keywords"]
        let keywords = (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
        return Record(event: row["event"], channel: row["channel"], version: row["version"], templateId: row["template_id"],
                      signName: row["sign_name"], keywords: keywords, page: row["page"], url: row["url"], enabled: row["enabled"],
                      createdAt: row["created_at"], createdBy: row["created_by"])
    }
}
