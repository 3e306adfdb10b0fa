import Foundation
import GRDB
import HuiminCore

/// Accounts, sessions, real-name persons and family members. Each public method is one transaction.
public final class ResidentStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    // MARK: Accounts and sessions

    /// The account for a channel identity, created on first login.
    public func loginAccount(channel: String, appID: String, channelUserID: String, now: Date) async throws -> AccountRow {
        try await database.pool.write { db in
            if var existing = try AccountRow
                .filter(Column("channel") == channel && Column("app_id") == appID && Column("channel_user_id") == channelUserID)
                .fetchOne(db) {
                existing.lastLoginAt = now
                try existing.update(db)
                return existing
            }
            let row = AccountRow(id: TypedID.make("acc"), channel: channel, appId: appID, channelUserId: channelUserID,
                                 createdAt: now, lastLoginAt: now)
            try row.insert(db)
            return row
        }
    }

    public func account(id: String) async throws -> AccountRow? {
        try await database.pool.read { db in try AccountRow.fetchOne(db, key: id) }
    }

    public func createSession(_ session: SessionRow) async throws {
        try await database.pool.write { db in try session.insert(db) }
    }

    public func session(id: String) async throws -> SessionRow? {
        try await database.pool.read { db in try SessionRow.fetchOne(db, key: id) }
    }

    /// A resident's session with its account in one read: every resident request starts here.
    public func residentSession(id: String) async throws -> (session: SessionRow, account: AccountRow?)? {
        try await database.pool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT s.kind, s.subject_id, s.created_at, s.expires_at, s.revoked_at,
                       a.id AS account_id, a.channel, a.app_id, a.channel_user_id, a.created_at AS account_created_at, a.last_login_at
                FROM session s LEFT JOIN account a ON a.id = s.subject_id WHERE s.id = ?
                """)
            guard let row = try Row.fetchOne(statement, arguments: [id]) else { return nil }
            var session = SessionRow(id: id, kind: row[0], subjectId: row[1], createdAt: row[2], expiresAt: row[3])
            session.revokedAt = row[4]
            let account = (row[5] as String?).map { accountID in
                AccountRow(id: accountID, channel: row[6], appId: row[7], channelUserId: row[8], createdAt: row[9], lastLoginAt: row[10])
            }
            return (session, account)
        }
    }

    public func revokeSession(id: String, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE session SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [now, id])
        }
    }

    // MARK: SMS challenges

    /// Records a verification challenge and queues its SMS in the same transaction, refusing when
    /// the number already had `max` codes within any of the `limits` windows (seconds).
    public func createSMSChallenge(_ challenge: SMSChallengeRow, limits: [(window: TimeInterval, max: Int)],
                                   job: QueuedJob) async throws {
        try await database.pool.write { db in
            for limit in limits {
                let since = challenge.createdAt.addingTimeInterval(-limit.window)
                let count = try SMSChallengeRow
                    .filter(Column("phone_index") == challenge.phoneIndex && Column("created_at") > since)
                    .fetchCount(db)
                if count >= limit.max {
                    throw AppError.rateLimited("sms_rate_limited",
                        "Too many verification codes for this number; please try again later.")
                }
            }
            try challenge.insert(db)
            _ = try JobStore.enqueue(db, kind: job.kind, payload: job.sealedPayload, runAt: challenge.createdAt,
                                     maxAttempts: job.maxAttempts, idempotencyKey: job.idempotencyKey)
        }
    }

    /// Checks a code against the newest unconsumed challenge of the number, purpose and requester, counting a
    /// wrong try. Returns the challenge ID on a match; the caller consumes it with the change it guards.
    public func checkSMSChallenge(phoneIndex: String, purpose: String, requester: String, now: Date, maxAttempts: Int,
                                  matches: @Sendable (Data, String) -> Bool) async throws -> String {
        let outcome: Result<String, AppError> = try await database.pool.write { db in
            guard var challenge = try SMSChallengeRow
                .filter(Column("phone_index") == phoneIndex && Column("purpose") == purpose && Column("requester") == requester
                        && Column("consumed_at") == nil)
                .order(Column("created_at").desc)
                .fetchOne(db) else {
                return .failure(.rule("sms_code_invalid", "The verification code is wrong; request a new one."))
            }
            if challenge.attempts >= maxAttempts {
                return .failure(.rateLimited("sms_code_attempts_exceeded",
                    "Too many wrong codes; request a new verification code."))
            }
            if challenge.expiresAt <= now {
                return .failure(.rule("sms_code_expired", "The verification code has expired; request a new one."))
            }
            if matches(challenge.codeMac, challenge.id) { return .success(challenge.id) }
            challenge.attempts += 1
            try challenge.update(db)
            return .failure(.rule("sms_code_invalid", "The verification code is wrong."))
        }
        return try outcome.get()
    }

    /// Marks a checked challenge used; false when it was used already (a racing duplicate).
    public func consumeSMSChallenge(id: String, now: Date) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE sms_challenge SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL",
                           arguments: [now, id])
            return db.changesCount == 1
        }
    }

    // MARK: Persons and family members

    /// Real-name registration of the account holder: consumes the SMS challenge, finds or creates
    /// the person (and their card), and adds them as the account's `self` member, all at once.
    public func registerSelf(accountID: String, person: PersonRow, card: HealthCardRow, memberID: String,
                             challengeID: String, now: Date,
                             checkExisting: @Sendable (PersonRow) throws -> Void) async throws -> MemberView {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE sms_challenge SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL",
                           arguments: [now, challengeID])
            guard db.changesCount == 1 else {
                throw AppError.rule("sms_code_invalid", "The verification code was already used; request a new one.")
            }
            if try FamilyMemberRow.filter(Column("account_id") == accountID && Column("relation") == "self").fetchCount(db) > 0 {
                throw AppError.conflict("already_real_named", "This account is already registered under a real name.")
            }
            var (stored, storedCard) = try Self.findOrCreate(db, person: person, card: card, checkExisting: checkExisting)
            let selfElsewhere = try FamilyMemberRow
                .filter(Column("person_id") == stored.id && Column("relation") == "self" && Column("account_id") != accountID)
                .fetchCount(db) > 0
            if selfElsewhere && stored.phoneIndex != person.phoneIndex {
                // Already registered as themselves elsewhere (the other mini-program, say): only
                // the phone on record proves it is the same person again.
                throw AppError.rule("real_name_phone_mismatch",
                    "This person is registered with another mobile number; verify with that number.")
            }
            if !selfElsewhere && stored.phoneIndex != person.phoneIndex {
                // The person's own verified number replaces one a relative entered for them.
                stored.phoneIndex = person.phoneIndex
                stored.phoneSealed = person.phoneSealed
                stored.updatedAt = now
                try stored.update(db)
            }
            if var existing = try FamilyMemberRow.filter(Column("account_id") == accountID && Column("person_id") == stored.id).fetchOne(db) {
                // Someone added as family earlier now registers the account as themselves.
                existing.relation = "self"
                existing.phoneIndex = person.phoneIndex
                existing.phoneSealed = person.phoneSealed
                try existing.update(db)
                try Self.announceRegistration(db, accountID: accountID, personID: stored.id, now: now)
                return MemberView(member: existing, person: stored, card: storedCard)
            }
            try db.execute(sql: "UPDATE family_member SET is_default = 0 WHERE account_id = ?", arguments: [accountID])
            let member = FamilyMemberRow(id: memberID, accountId: accountID, personId: stored.id, relation: "self",
                                         isDefault: true, phoneIndex: person.phoneIndex, phoneSealed: person.phoneSealed,
                                         createdAt: now)
            try member.insert(db)
            try Self.announceRegistration(db, accountID: accountID, personID: stored.id, now: now)
            return MemberView(member: member, person: stored, card: storedCard)
        }
    }

    /// 注册/实名成功, queued with the registration itself; once per account.
    private static func announceRegistration(_ db: GRDB.Database, accountID: String, personID: String, now: Date) throws {
        try OutboxStore.append(db, OutboxMessage(event: "resident.registered", accountID: accountID, personID: personID,
                                                 subjectKind: "person", subjectID: personID,
                                                 payload: ["registeredAt": ISO8601.string(now)],
                                                 dedupeKey: "resident.registered:\(accountID)"), now: now)
    }

    public func addFamilyMember(accountID: String, person: PersonRow, card: HealthCardRow, member: FamilyMemberRow,
                                limit: Int, checkExisting: @Sendable (PersonRow) throws -> Void) async throws -> MemberView {
        try await database.pool.write { db in
            let count = try FamilyMemberRow.filter(Column("account_id") == accountID).fetchCount(db)
            guard count < limit else {
                throw AppError.rule("family_member_limit", "An account can have at most \(limit) family members.")
            }
            let (stored, storedCard) = try Self.findOrCreate(db, person: person, card: card, checkExisting: checkExisting)
            if try FamilyMemberRow.filter(Column("account_id") == accountID && Column("person_id") == stored.id).fetchCount(db) > 0 {
                throw AppError.conflict("family_member_exists", "This person is already in your family list.")
            }
            var row = member
            row.personId = stored.id
            row.isDefault = count == 0
            try row.insert(db)
            return MemberView(member: row, person: stored, card: storedCard)
        }
    }

    private static func findOrCreate(_ db: GRDB.Database, person: PersonRow, card: HealthCardRow,
                                     checkExisting: (PersonRow) throws -> Void) throws -> (PersonRow, HealthCardRow) {
        if let existing = try PersonRow.filter(Column("id_number_index") == person.idNumberIndex).fetchOne(db) {
            try checkExisting(existing)
            guard let existingCard = try HealthCardRow.filter(Column("person_id") == existing.id).fetchOne(db) else {
                var fresh = card
                fresh.personId = existing.id
                try fresh.insert(db)
                return (existing, fresh)
            }
            return (existing, existingCard)
        }
        try person.insert(db)
        try card.insert(db)
        return (person, card)
    }

    public func members(accountID: String) async throws -> [MemberView] {
        try await database.pool.read { db in
            let members = try FamilyMemberRow.filter(Column("account_id") == accountID)
                .order(Column("created_at"), Column("id")).fetchAll(db)
            return try members.map { try Self.view(db, member: $0) }
        }
    }

    public func member(accountID: String, memberID: String) async throws -> MemberView? {
        try await database.pool.read { db in
            guard let m = try FamilyMemberRow.filter(Column("id") == memberID && Column("account_id") == accountID).fetchOne(db) else {
                return nil
            }
            return try Self.view(db, member: m)
        }
    }

    /// The account's member that is this person: what a payment order names.
    public func member(accountID: String, personID: String) async throws -> MemberView? {
        try await database.pool.read { db in
            guard let m = try FamilyMemberRow.filter(Column("account_id") == accountID && Column("person_id") == personID).fetchOne(db) else {
                return nil
            }
            return try Self.view(db, member: m)
        }
    }

    /// A member by ID whichever account holds it (staff look-ups).
    public func member(id: String) async throws -> MemberView? {
        try await database.pool.read { db in
            guard let m = try FamilyMemberRow.fetchOne(db, key: id) else { return nil }
            return try Self.view(db, member: m)
        }
    }

    /// One cached join, decoded by hand and by position: booking requests call this thousands of
    /// times a second.
    static func view(_ db: GRDB.Database, member: FamilyMemberRow) throws -> MemberView {
        let statement = try db.cachedStatement(sql: """
            SELECT p.id_number_index, p.id_number_sealed, p.name_sealed, p.phone_index, p.phone_sealed, p.sex, p.birth_date,
                   p.created_at, p.updated_at, c.card_id, c.issuer, c.status, c.created_at AS card_created_at
            FROM person p JOIN health_card c ON c.person_id = p.id WHERE p.id = ?
            """)
        // By position: this runs inside every booking's transaction.
        guard let view = try statement.positionalRow([member.personId], { row in
            var person = PersonRow(id: member.personId, idNumberIndex: try row[0], idNumberSealed: try row[1], nameSealed: try row[2],
                                   phoneIndex: row[optional: 3], phoneSealed: row[optional: 4], sex: try row[5], birthDate: try row[6],
                                   createdAt: try row[7])
            person.updatedAt = try row[8]
            let card = HealthCardRow(cardId: try row[9], personId: member.personId, issuer: try row[10], status: try row[11],
                                     createdAt: try row[12])
            return MemberView(member: member, person: person, card: card)
        }) else { throw AppError.internalError }
        return view
    }

    public func updateMember(accountID: String, memberID: String, relation: String?, phone: (index: String, sealed: Data)?) async throws -> MemberView {
        try await database.pool.write { db in
            guard var m = try FamilyMemberRow.filter(Column("id") == memberID && Column("account_id") == accountID).fetchOne(db) else {
                throw AppError.notFound("family_member_not_found", "No such family member in this account.")
            }
            if let relation {
                guard m.relation != "self", relation != "self" else {
                    throw AppError.rule("relation_self_fixed", "The account holder's own entry stays 'self'.")
                }
                m.relation = relation
            }
            if let phone {
                m.phoneIndex = phone.index
                m.phoneSealed = phone.sealed
            }
            try m.update(db)
            return try Self.view(db, member: m)
        }
    }

    public func removeMember(accountID: String, memberID: String) async throws {
        try await database.pool.write { db in
            guard let m = try FamilyMemberRow.filter(Column("id") == memberID && Column("account_id") == accountID).fetchOne(db) else {
                throw AppError.notFound("family_member_not_found", "No such family member in this account.")
            }
            guard m.relation != "self" else {
                throw AppError.rule("cannot_remove_self", "The account holder cannot be removed from their own family list.")
            }
            try m.delete(db)
            if m.isDefault {
                try db.execute(sql: "UPDATE family_member SET is_default = 1 WHERE account_id = ? AND relation = 'self'",
                               arguments: [accountID])
            }
        }
    }

    public func setDefaultMember(accountID: String, memberID: String) async throws -> MemberView {
        try await database.pool.write { db in
            guard var m = try FamilyMemberRow.filter(Column("id") == memberID && Column("account_id") == accountID).fetchOne(db) else {
                throw AppError.notFound("family_member_not_found", "No such family member in this account.")
            }
            try db.execute(sql: "UPDATE family_member SET is_default = 0 WHERE account_id = ?", arguments: [accountID])
            m.isDefault = true
            try m.update(db)
            return try Self.view(db, member: m)
        }
    }
}

/// A job to enqueue in the same transaction as the change that causes it.
public struct QueuedJob: Sendable {
    public var kind: String
    public var sealedPayload: Data
    public var maxAttempts: Int
    public var idempotencyKey: String?

    public init(kind: String, sealedPayload: Data, maxAttempts: Int, idempotencyKey: String?) {
        self.kind = kind
        self.sealedPayload = sealedPayload
        self.maxAttempts = maxAttempts
        self.idempotencyKey = idempotencyKey
    }
}
