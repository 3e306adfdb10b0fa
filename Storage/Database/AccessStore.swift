import Foundation
import GRDB
import HuiminCore

/// Who may call Huimin besides residents: hospitals with API keys, and staff users, plus the
/// hash-chained audit log of what staff and terminals did with personal data.
public final class AccessStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public struct APIKey: Sendable {
        public var keyID: String
        public var hospitalCode: String
        public var secretSealed: Data
    }

    /// Creates the hospital if it is new and issues it a new API key.
    public func addHospitalKey(code: String, name: String, keyID: String, secretSealed: Data, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "INSERT INTO hospital (code, name, created_at) VALUES (?, ?, ?) ON CONFLICT(code) DO UPDATE SET name = excluded.name",
                           arguments: [code, name, now])
            try db.execute(sql: "INSERT INTO api_key (key_id, hospital_code, secret_sealed, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [keyID, code, secretSealed, now])
        }
    }

    /// Revokes a key; false when there is no such live key.
    public func revokeAPIKey(id: String, now: Date) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE api_key SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", arguments: [now, id])
            return db.changesCount == 1
        }
    }

    public func apiKey(id: String) async throws -> APIKey? {
        try await database.pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT key_id, hospital_code, secret_sealed FROM api_key WHERE key_id = ? AND revoked_at IS NULL",
                                             arguments: [id]) else { return nil }
            return APIKey(keyID: row["key_id"], hospitalCode: row["hospital_code"], secretSealed: row["secret_sealed"])
        }
    }

    public func hospitalExists(code: String) async throws -> Bool {
        try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hospital WHERE code = ?", arguments: [code])! > 0
        }
    }

    // MARK: Staff

    public struct StaffUser: Sendable {
        public var id: String
        public var username: String
        public var passwordHash: String
        public var role: String
        public var failedLogins: Int
        public var lockedUntil: Date?
    }

    public func createStaff(username: String, passwordHash: String, role: String, now: Date) async throws -> String {
        let id = TypedID.make("stf")
        try await database.pool.write { db in
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM staff_user WHERE username = ?", arguments: [username])! > 0 {
                throw AppError.conflict("staff_exists", "A staff user with that username exists.")
            }
            try db.execute(sql: "INSERT INTO staff_user (id, username, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, username, passwordHash, role, now])
        }
        return id
    }

    public func staff(username: String) async throws -> StaffUser? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM staff_user WHERE username = ?", arguments: [username]).map(Self.staff)
        }
    }

    public func staff(id: String) async throws -> StaffUser? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM staff_user WHERE id = ?", arguments: [id]).map(Self.staff)
        }
    }

    private static func staff(_ row: Row) -> StaffUser {
        StaffUser(id: row["id"], username: row["username"], passwordHash: row["password_hash"], role: row["role"],
                  failedLogins: row["failed_logins"], lockedUntil: row["locked_until"])
    }

    /// Counts a failed login; the account locks for `lockFor` once `threshold` failures pile up.
    public func recordLoginFailure(id: String, threshold: Int, lockFor: TimeInterval, now: Date) async throws {
        try await database.pool.write { db in
            // A lock that has run out starts the count again.
            try db.execute(sql: "UPDATE staff_user SET failed_logins = 0, locked_until = NULL WHERE id = ? AND locked_until <= ?",
                           arguments: [id, now])
            try db.execute(sql: """
                UPDATE staff_user SET failed_logins = failed_logins + 1,
                    locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END
                WHERE id = ? AND (locked_until IS NULL OR locked_until <= ?)
                """, arguments: [threshold, now.addingTimeInterval(lockFor), id, now])
        }
    }

    /// A successful login: the failure count cleared, the session opened and the login audited,
    /// in one transaction.
    public func recordLogin(session: SessionRow, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE staff_user SET failed_logins = 0, locked_until = NULL WHERE id = ?",
                           arguments: [session.subjectId])
            try session.insert(db)
            try Self.appendAudit(db, actorKind: "staff", actorID: session.subjectId, action: "staff.login",
                                 subjectKind: "staff", subjectID: session.subjectId, detail: "", now: now)
        }
    }

    // MARK: Audit

    public struct AuditEntry: Sendable, Codable {
        public var seq: Int64
        public var at: String
        public var actorKind: String
        public var actorId: String
        public var action: String
        public var subjectKind: String
        public var subjectId: String
        public var detail: String
        public var hash: String
    }

    public func audit(actorKind: String, actorID: String, action: String, subjectKind: String, subjectID: String,
                      detail: String, now: Date) async throws {
        try await database.pool.write { db in
            try Self.appendAudit(db, actorKind: actorKind, actorID: actorID, action: action, subjectKind: subjectKind,
                                 subjectID: subjectID, detail: detail, now: now)
        }
    }

    /// Appends inside the caller's transaction, chaining SHA-256 over the previous entry's hash.
    static func appendAudit(_ db: GRDB.Database, actorKind: String, actorID: String, action: String,
                            subjectKind: String, subjectID: String, detail: String, now: Date) throws {
        let prev = try String.fetchOne(db.cachedStatement(sql: "SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")) ?? "genesis"
        let at = ISO8601.string(now)
        let material = [prev, at, actorKind, actorID, action, subjectKind, subjectID, detail].joined(separator: "\u{1F}")
        let hash = Digest.sha256Hex(Array(material.utf8))
        try db.cachedStatement(sql: """
            INSERT INTO audit_log (at, actor_kind, actor_id, action, subject_kind, subject_id, detail, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [at, actorKind, actorID, action, subjectKind, subjectID, detail, prev, hash])
    }

    /// An audit entry with the staff user's name beside the ID, for the console.
    public struct NamedAuditEntry: Sendable, Codable, FetchableRecord {
        public var at: String
        public var actorKind: String
        public var actorId: String
        public var actorName: String?
        public var action: String
        public var subjectKind: String
        public var subjectId: String
        public var detail: String
    }

    /// The newest entries whose action starts with one of `prefixes` (all when empty).
    public func auditLog(actionPrefixes: [String], limit: Int) async throws -> [NamedAuditEntry] {
        try await database.pool.read { db in
            let filter = prefixes(actionPrefixes)
            return try NamedAuditEntry.fetchAll(db, sql: """
                SELECT a.at, a.actor_kind AS actorKind, a.actor_id AS actorId, s.username AS actorName, a.action,
                       a.subject_kind AS subjectKind, a.subject_id AS subjectId, a.detail
                FROM audit_log a LEFT JOIN staff_user s ON a.actor_kind = 'staff' AND s.id = a.actor_id
                \(filter.sql) ORDER BY a.seq DESC LIMIT ?
                """, arguments: StatementArguments(filter.arguments + [limit]))
        }
    }

    private func prefixes(_ list: [String]) -> (sql: String, arguments: [String]) {
        guard !list.isEmpty else { return ("", []) }
        return ("WHERE " + list.map { _ in "a.action LIKE ? || '%'" }.joined(separator: " OR "), list)
    }

    public func auditLog(subjectID: String?, limit: Int) async throws -> [AuditEntry] {
        try await database.pool.read { db in
            var sql = "SELECT * FROM audit_log"
            var args: [any DatabaseValueConvertible] = []
            if let subjectID {
                sql += " WHERE subject_id = ?"
                args.append(subjectID)
            }
            sql += " ORDER BY seq DESC LIMIT ?"
            args.append(limit)
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { row in
                AuditEntry(seq: row["seq"], at: row["at"], actorKind: row["actor_kind"], actorId: row["actor_id"],
                           action: row["action"], subjectKind: row["subject_kind"], subjectId: row["subject_id"],
                           detail: row["detail"], hash: row["hash"])
            }
        }
    }

    /// Re-walks the chain; returns the first sequence number whose hash does not match, if any.
    public func verifyAuditChain() async throws -> Int64? {
        try await database.pool.read { db in
            var prev = "genesis"
            for row in try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY seq") {
                let parts: [String] = [prev, row["at"], row["actor_kind"], row["actor_id"], row["action"],
                                       row["subject_kind"], row["subject_id"], row["detail"]]
                let hash = Digest.sha256Hex(Array(parts.joined(separator: "\u{1F}").utf8))
                let stored: String = row["hash"]
                let storedPrev: String = row["prev_hash"]
                if stored != hash || storedPrev != prev { return row["seq"] }
                prev = stored
            }
            return nil
        }
    }
}
