import Foundation
import GRDB
import HuiminCore

/// Clinic bills as the HIS pushes and withdraws them, and as residents find them: through their
/// family members' patient cards, or by the QR code printed on the bill.
public final class BillStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public enum Pushed: Sendable, Equatable {
        case created(ClinicBillRow)
        case updated(ClinicBillRow)
        case unchanged(ClinicBillRow)

        public var bill: ClinicBillRow {
            switch self {
            case .created(let bill), .updated(let bill), .unchanged(let bill): bill
            }
        }
    }

    /// Takes the HIS's bill (pushed again: the same bill number is the same bill). A paid bill
    /// changes no more; an unpaid one being paid right now keeps its amount; a withdrawn one
    /// pushed again is payable again. Audited as the hospital's act.
    public func push(_ bill: ClinicBillRow, now: Date) async throws -> Pushed {
        try await database.pool.write { db in
            guard var existing = try ClinicBillRow.filter(Column("hospital_code") == bill.hospitalCode && Column("bill_no") == bill.billNo)
                .fetchOne(db) else {
                try bill.insert(db)
                try Self.audit(db, bill, "bill.push", detail: "fen=\(bill.totalFen)", now: now)
                try Self.announceDue(db, bill, now: now)
                return .created(bill)
            }
            let same = existing.patientId == bill.patientId && existing.totalFen == bill.totalFen && existing.items == bill.items
                && existing.departmentName == bill.departmentName && existing.doctorName == bill.doctorName
            if same && existing.state != "withdrawn" { return .unchanged(existing) }
            guard existing.state != "paid" else {
                throw AppError.conflict("bill_already_paid", "Bill \(bill.billNo) is paid through Huimin and changes no more.")
            }
            if existing.totalFen != bill.totalFen || existing.patientId != bill.patientId,
               try Self.openOrder(db, billID: existing.id) != nil {
                throw AppError.conflict("bill_being_paid", "Bill \(bill.billNo) is being paid; withdraw it or push it again later.")
            }
            existing.patientId = bill.patientId
            existing.departmentName = bill.departmentName
            existing.doctorName = bill.doctorName
            existing.items = bill.items
            existing.totalFen = bill.totalFen
            existing.billedAt = bill.billedAt
            existing.state = "unpaid"
            existing.updatedAt = now
            try existing.update(db)
            try Self.audit(db, existing, "bill.push", detail: "fen=\(existing.totalFen) again", now: now)
            try Self.announceDue(db, existing, now: now)
            return .updated(existing)
        }
    }

    /// 缴费提醒: every account with the patient in its family (through a bound card) hears of the
    /// bill, once per bill and amount.
    private static func announceDue(_ db: GRDB.Database, _ bill: ClinicBillRow, now: Date) throws {
        let holders = try Row.fetchAll(db, sql: """
            SELECT f.account_id, pc.person_id FROM patient_card pc JOIN family_member f ON f.person_id = pc.person_id
            WHERE pc.hospital_code = ? AND pc.patient_id = ?
            """, arguments: [bill.hospitalCode, bill.patientId])
        for holder in holders {
            let accountID: String = holder["account_id"]
            try OutboxStore.append(db, OutboxMessage(
                event: "payment.due", accountID: accountID, personID: holder["person_id"], subjectKind: "clinic_bill",
                subjectID: bill.id,
                payload: ["hospitalCode": bill.hospitalCode, "billNo": bill.billNo, "department": bill.departmentName,
                          "amountFen": "\(bill.totalFen)", "billedAt": ISO8601.string(bill.billedAt)],
                dedupeKey: "payment.due:\(bill.id):\(bill.totalFen):\(accountID)"), now: now)
        }
    }

    /// The HIS takes a bill back (paid at the window, or voided). Money for it that still
    /// arrives goes back to the payer.
    public func withdraw(hospitalCode: String, billNo: String, now: Date) async throws -> ClinicBillRow {
        try await database.pool.write { db in
            guard var bill = try ClinicBillRow.filter(Column("hospital_code") == hospitalCode && Column("bill_no") == billNo).fetchOne(db) else {
                throw AppError.notFound("bill_not_found", "No such bill.")
            }
            guard bill.state != "paid" else {
                throw AppError.conflict("bill_already_paid", "Bill \(billNo) is paid through Huimin; refund it instead.")
            }
            guard bill.state != "withdrawn" else { return bill }
            bill.state = "withdrawn"
            bill.updatedAt = now
            try bill.update(db)
            try Self.audit(db, bill, "bill.withdraw", detail: "", now: now)
            return bill
        }
    }

    /// A family member's card at a hospital: how the account reaches the HIS's records.
    public struct CardHolder: Sendable, Equatable {
        public var memberID: String
        public var personID: String
        public var hospitalCode: String
        public var patientID: String
    }

    /// The bills of the account's family members (through their patient cards), newest first.
    public func bills(accountID: String, limit: Int = 100) async throws -> [(holder: CardHolder, bill: ClinicBillRow)] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT family_member.id AS member, family_member.person_id AS person, clinic_bill.* FROM family_member
                JOIN patient_card ON patient_card.person_id = family_member.person_id
                JOIN clinic_bill ON clinic_bill.hospital_code = patient_card.hospital_code AND clinic_bill.patient_id = patient_card.patient_id
                WHERE family_member.account_id = ?
                ORDER BY clinic_bill.billed_at DESC LIMIT ?
                """, arguments: [accountID, limit]).map { row in
                let bill = try ClinicBillRow(row: row)
                return (CardHolder(memberID: row["member"], personID: row["person"], hospitalCode: bill.hospitalCode,
                                   patientID: bill.patientId), bill)
            }
        }
    }

    public func bill(id: String) async throws -> ClinicBillRow? {
        try await database.pool.read { db in try ClinicBillRow.fetchOne(db, key: id) }
    }

    public func bill(payCode: String) async throws -> ClinicBillRow? {
        try await database.pool.read { db in try ClinicBillRow.filter(Column("pay_code") == payCode).fetchOne(db) }
    }

    /// The account's family members' patient cards: all of them, or those at one hospital, or one member's.
    public func cardHolders(accountID: String, hospitalCode: String? = nil, memberID: String? = nil) async throws -> [CardHolder] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT family_member.id AS member, family_member.person_id AS person, patient_card.hospital_code AS hospital,
                       patient_card.patient_id AS patient
                FROM family_member JOIN patient_card ON patient_card.person_id = family_member.person_id
                WHERE family_member.account_id = ? AND (? IS NULL OR patient_card.hospital_code = ?) AND (? IS NULL OR family_member.id = ?)
                ORDER BY family_member.created_at, patient_card.hospital_code
                """, arguments: [accountID, hospitalCode, hospitalCode, memberID, memberID]).map {
                CardHolder(memberID: $0["member"], personID: $0["person"], hospitalCode: $0["hospital"], patientID: $0["patient"])
            }
        }
    }

    static func openOrder(_ db: GRDB.Database, billID: String) throws -> PaymentOrderRow? {
        try PaymentOrderRow.fetchOne(db, sql: """
            SELECT * FROM payment_order WHERE business_type IN ('clinic_bill', 'scan_to_pay') AND business_ref = ? AND state IN ('created', 'paying')
            """, arguments: [billID])
    }

    static func audit(_ db: GRDB.Database, _ bill: ClinicBillRow, _ action: String, detail: String, now: Date) throws {
        try AccessStore.appendAudit(db, actorKind: "hospital", actorID: bill.hospitalCode, action: action, subjectKind: "clinic_bill",
                                    subjectID: bill.id, detail: "bill=\(bill.billNo) state=\(bill.state) \(detail)", now: now)
    }
}
