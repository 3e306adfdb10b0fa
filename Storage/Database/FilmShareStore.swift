import Foundation
import GRDB
import HuiminCore

public struct FilmShareRow: Codable, FetchableRecord, Sendable {
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var id: String
    public var tokenDigest: String
    public var tokenSealed: Data
    public var accountId: String
    public var memberId: String
    public var personId: String
    public var studyUid: String
    public var codeDigest: String?
    public var expiresAt: Date
    public var revokedAt: Date?
    public var failedCodes: Int
    public var lockedUntil: Date?
    public var createdAt: Date
}

public struct FilmShareOpeningRow: Codable, FetchableRecord, Sendable {
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var at: Date
    public var outcome: String
    public var clientAddress: String?
    public var userAgent: String?
}

/// Film shares and their openings.
public struct FilmShareStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public struct NewShare: Sendable {
        public var id: String
        public var tokenDigest: String
        public var tokenSealed: Data
        public var accountID: String
        public var memberID: String
        public var personID: String
        public var studyUID: String
        public var codeDigest: String?
        public var expiresAt: Date

        public init(id: String, tokenDigest: String, tokenSealed: Data, accountID: String, memberID: String, personID: String,
                    studyUID: String, codeDigest: String?, expiresAt: Date) {
            self.id = id
            self.tokenDigest = tokenDigest
            self.tokenSealed = tokenSealed
            self.accountID = accountID
            self.memberID = memberID
            self.personID = personID
            self.studyUID = studyUID
            self.codeDigest = codeDigest
            self.expiresAt = expiresAt
        }
    }

    public func create(_ share: NewShare, limit: Int, now: Date) async throws -> FilmShareRow {
        try await database.pool.write { db in
            // Live shares per account are capped so a script cannot mint links without end.
            let live = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM film_share WHERE account_id = ? AND revoked_at IS NULL AND expires_at > ?
                """, arguments: [share.accountID, now]) ?? 0
            guard live < limit else {
                throw AppError.rule("share_limit_reached", "This account has \(limit) live shares; revoke one first.")
            }
            try db.execute(sql: """
                INSERT INTO film_share (id, token_digest, token_sealed, account_id, member_id, person_id, study_uid, code_digest,
                    expires_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [share.id, share.tokenDigest, share.tokenSealed, share.accountID, share.memberID, share.personID,
                                 share.studyUID, share.codeDigest, share.expiresAt, now])
            try AccessStore.appendAudit(db, actorKind: "resident", actorID: share.accountID, action: "film_share.created",
                                        subjectKind: "dicom_study", subjectID: share.studyUID,
                                        detail: "\(share.id) until \(ISO8601.string(share.expiresAt))", now: now)
            return try FilmShareRow.fetchOne(db, sql: "SELECT * FROM film_share WHERE id = ?", arguments: [share.id])!
        }
    }

    public func shares(accountID: String, memberID: String) async throws -> [FilmShareRow] {
        try await database.pool.read { db in
            try FilmShareRow.fetchAll(db, sql: """
                SELECT * FROM film_share WHERE account_id = ? AND member_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 200
                """, arguments: [accountID, memberID])
        }
    }

    public func share(id: String, accountID: String, memberID: String) async throws -> FilmShareRow? {
        try await database.pool.read { db in
            try FilmShareRow.fetchOne(db, sql: "SELECT * FROM film_share WHERE id = ? AND account_id = ? AND member_id = ?",
                                      arguments: [id, accountID, memberID])
        }
    }

    public func share(tokenDigest: String) async throws -> FilmShareRow? {
        try await database.pool.read { db in
            try FilmShareRow.fetchOne(db, sql: "SELECT * FROM film_share WHERE token_digest = ?", arguments: [tokenDigest])
        }
    }

    /// Revoking twice is the same as once; the first time is kept.
    public func revoke(id: String, accountID: String, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE film_share SET revoked_at = ? WHERE id = ? AND account_id = ? AND revoked_at IS NULL",
                           arguments: [now, id, accountID])
            if db.changesCount == 1 {
                try AccessStore.appendAudit(db, actorKind: "resident", actorID: accountID, action: "film_share.revoked",
                                            subjectKind: "film_share", subjectID: id, detail: "", now: now)
            }
        }
    }

    public enum CodeCheck: Sendable { case accepted, wrong, locked(until: Date) }

    /// Records an attempt to open a share. A code attempt is judged inside the same transaction as
    /// the counter it moves, so parallel guesses cannot slip past the limit.
    public func open(shareID: String, codeMatches: Bool?, maxFailures: Int, lockout: TimeInterval, clientAddress: String?,
                     userAgent: String?, now: Date) async throws -> CodeCheck {
        try await database.pool.write { db in
            guard let share = try FilmShareRow.fetchOne(db, sql: "SELECT * FROM film_share WHERE id = ?", arguments: [shareID]) else {
                throw AppError.notFound("share_not_found", "This link does not lead to a share.")
            }
            func log(_ outcome: String) throws {
                try db.execute(sql: """
                    INSERT INTO film_share_opening (share_id, at, outcome, client_address, user_agent) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [shareID, now, outcome, clientAddress, userAgent.map { String($0.prefix(200)) }])
            }
            if let until = share.lockedUntil, until > now {
                try log("code_locked")
                return .locked(until: until)
            }
            switch codeMatches {
            case false?:
                let failures = share.failedCodes + 1
                let locked = failures >= maxFailures
                try db.execute(sql: "UPDATE film_share SET failed_codes = ?, locked_until = ? WHERE id = ?",
                               arguments: [locked ? 0 : failures, locked ? now.addingTimeInterval(lockout) : nil, shareID])
                try log(locked ? "code_locked" : "code_wrong")
                return locked ? .locked(until: now.addingTimeInterval(lockout)) : .wrong
            default:
                try db.execute(sql: "UPDATE film_share SET failed_codes = 0, locked_until = NULL WHERE id = ?", arguments: [shareID])
                try log("opened")
                return .accepted
            }
        }
    }

    /// A refused opening of an expired or revoked share, for the owner's log.
    public func logRefusal(shareID: String, outcome: String, clientAddress: String?, userAgent: String?, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO film_share_opening (share_id, at, outcome, client_address, user_agent) VALUES (?, ?, ?, ?, ?)
                """, arguments: [shareID, now, outcome, clientAddress, userAgent.map { String($0.prefix(200)) }])
        }
    }

    public func openings(shareID: String) async throws -> [FilmShareOpeningRow] {
        try await database.pool.read { db in
            try FilmShareOpeningRow.fetchAll(db, sql: """
                SELECT at, outcome, client_address, user_agent FROM film_share_opening WHERE share_id = ? ORDER BY at DESC, id DESC
                LIMIT 500
                """, arguments: [shareID])
        }
    }
}
