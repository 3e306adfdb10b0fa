import Foundation
import GRDB
import HuiminCore

/// E-health cards, their printable static codes, hospital patient cards (就诊卡) and card usage.
public final class CardStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// Everything a terminal verification needs about a card, read in one snapshot.
    public struct CardHolder: Sendable {
        public var card: HealthCardRow
        public var person: PersonRow
        public var patientCard: PatientCardRow?
        public var staticCode: StaticCodeRow?
    }

    /// One query: verification runs thousands of times a second, and four round trips through
    /// the record layer cost more than the join.
    public func holder(cardID: String, hospitalCode: String, staticSerial: String?) async throws -> CardHolder? {
        try await database.pool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT c.card_id, c.person_id, c.issuer, c.status, c.created_at,
                       p.id_number_index, p.id_number_sealed, p.name_sealed, p.phone_index, p.phone_sealed, p.sex,
                       p.birth_date, p.created_at AS person_created_at, p.updated_at,
                       pc.patient_id, pc.card_number, pc.bound_at,
                       sc.serial, sc.card_id AS static_card_id, sc.issued_at, sc.revoked_at
                FROM health_card c
                JOIN person p ON p.id = c.person_id
                LEFT JOIN patient_card pc ON pc.person_id = c.person_id AND pc.hospital_code = ?
                LEFT JOIN static_code sc ON sc.serial = ?
                WHERE c.card_id = ?
                """)
            guard let row = try Row.fetchOne(statement, arguments: [hospitalCode, staticSerial, cardID]) else { return nil }
            let card = HealthCardRow(cardId: row["card_id"], personId: row["person_id"], issuer: row["issuer"],
                                     status: row["status"], createdAt: row["created_at"])
            var person = PersonRow(id: row["person_id"], idNumberIndex: row["id_number_index"],
                                   idNumberSealed: row["id_number_sealed"], nameSealed: row["name_sealed"],
                                   phoneIndex: row["phone_index"], phoneSealed: row["phone_sealed"], sex: row["sex"],
                                   birthDate: row["birth_date"], createdAt: row["person_created_at"])
            person.updatedAt = row["updated_at"]
            let patientCard = (row["patient_id"] as String?).map { patientID in
                PatientCardRow(personId: card.personId, hospitalCode: hospitalCode, patientId: patientID,
                               cardNumber: row["card_number"], boundAt: row["bound_at"])
            }
            let staticCode = (row["serial"] as String?).map { serial in
                StaticCodeRow(serial: serial, cardId: row["static_card_id"], issuedAt: row["issued_at"], revokedAt: row["revoked_at"])
            }
            return CardHolder(card: card, person: person, patientCard: patientCard, staticCode: staticCode)
        }
    }

    /// Freezes or reactivates a card, with its audit entry in the same transaction. Returns the
    /// card, or nil when there is no such card.
    public func setStatus(cardID: String, status: String, staffID: String, reason: String, now: Date) async throws -> HealthCardRow? {
        try await database.pool.write { db in
            guard var card = try HealthCardRow.fetchOne(db, key: cardID) else { return nil }
            guard card.status != "cancelled" else {
                throw AppError.conflict("card_cancelled", "A cancelled card cannot be frozen or reactivated.")
            }
            guard card.status != status else { return card }
            card.status = status
            try card.update(db)
            try AccessStore.appendAudit(db, actorKind: "staff", actorID: staffID, action: "card.\(status)",
                                        subjectKind: "card", subjectID: cardID, detail: reason, now: now)
            return card
        }
    }

    /// Issues a new printable code and revokes every earlier one of the card.
    public func issueStaticCode(cardID: String, serial: String, now: Date) async throws -> StaticCodeRow {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE static_code SET revoked_at = ? WHERE card_id = ? AND revoked_at IS NULL",
                           arguments: [now, cardID])
            let row = StaticCodeRow(serial: serial, cardId: cardID, issuedAt: now, revokedAt: nil)
            try row.insert(db)
            return row
        }
    }

    public func activeStaticCode(cardID: String) async throws -> StaticCodeRow? {
        try await database.pool.read { db in
            try StaticCodeRow.filter(Column("card_id") == cardID && Column("revoked_at") == nil).fetchOne(db)
        }
    }

    /// Returns how many codes were revoked.
    public func revokeStaticCodes(cardID: String, now: Date) async throws -> Int {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE static_code SET revoked_at = ? WHERE card_id = ? AND revoked_at IS NULL",
                           arguments: [now, cardID])
            return db.changesCount
        }
    }

    public func patientCards(personID: String) async throws -> [PatientCardRow] {
        try await database.pool.read { db in
            try PatientCardRow.filter(Column("person_id") == personID).order(Column("hospital_code")).fetchAll(db)
        }
    }

    /// Binds (or rebinds) the person's card at that hospital, and tells the account that did it.
    public func bindPatientCard(_ row: PatientCardRow, accountID: String) async throws {
        try await database.pool.write { db in
            try row.upsert(db)
            try Self.announce(db, "card.bound", row, accountID: accountID, now: row.boundAt)
        }
    }

    public func unbindPatientCard(personID: String, hospitalCode: String, accountID: String, now: Date) async throws -> Bool {
        try await database.pool.write { db in
            guard let row = try PatientCardRow.fetchOne(db, key: ["person_id": personID, "hospital_code": hospitalCode]) else {
                return false
            }
            try row.delete(db)
            try Self.announce(db, "card.unbound", row, accountID: accountID, now: now)
            return true
        }
    }

    /// 就诊卡绑定/解绑: only the card number's last four digits leave the database in a message.
    private static func announce(_ db: GRDB.Database, _ event: String, _ row: PatientCardRow, accountID: String, now: Date) throws {
        try OutboxStore.append(db, OutboxMessage(event: event, accountID: accountID, personID: row.personId,
                                                 subjectKind: "patient_card", subjectID: row.personId + ":" + row.hospitalCode,
                                                 payload: ["hospitalCode": row.hospitalCode, "cardNo": String(row.cardNumber.suffix(4))]),
                               now: now)
    }

    /// 用卡记录, written in batches so verification does not wait on a write per scan.
    public struct Usage: Sendable {
        public var cardID: String
        public var hospitalCode: String
        public var terminalID: String
        public var medicalStep: String?
        public var codeType: String
        public var verifiedAt: Date
        public init(cardID: String, hospitalCode: String, terminalID: String, medicalStep: String?, codeType: String, verifiedAt: Date) {
            self.cardID = cardID
            self.hospitalCode = hospitalCode
            self.terminalID = terminalID
            self.medicalStep = medicalStep
            self.codeType = codeType
            self.verifiedAt = verifiedAt
        }
    }

    public func recordUsages(_ usages: [Usage]) async throws {
        guard !usages.isEmpty else { return }
        try await database.pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO card_usage (card_id, hospital_code, terminal_id, medical_step, code_type, verified_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
            for u in usages {
                try statement.execute(arguments: [u.cardID, u.hospitalCode, u.terminalID, u.medicalStep, u.codeType, u.verifiedAt])
            }
        }
    }

    public func usageCount(cardID: String) async throws -> Int {
        try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM card_usage WHERE card_id = ?", arguments: [cardID]) ?? 0
        }
    }
}
