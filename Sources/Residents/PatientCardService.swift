import Database
import Foundation
import HIS
import HuiminCore

/// Hospital patient cards (就诊卡): look a person up in a hospital's HIS by ID number, bind one of
/// the records found, create one (建档) when there is none, or unbind.
public struct PatientCardService: Sendable {
    let family: FamilyService
    let cards: CardStore
    let access: AccessStore
    let personal: PersonalData
    let his: HISClient
    let clock: any HuiminClock

    public init(family: FamilyService, cards: CardStore, access: AccessStore, personal: PersonalData, his: HISClient,
                clock: any HuiminClock) {
        self.family = family
        self.cards = cards
        self.access = access
        self.personal = personal
        self.his = his
        self.clock = clock
    }

    public struct BoundCard: Codable, Sendable {
        public var hospitalCode: String
        public var patientId: String
        public var cardNumber: String
        public var boundAt: String
    }

    public struct Record: Codable, Sendable {
        public var patientId: String
        public var cardNumber: String
    }

    public func list(accountID: String, memberID: String) async throws -> [BoundCard] {
        let view = try await family.member(accountID: accountID, memberID: memberID)
        return try await cards.patientCards(personID: view.person.id).map(Self.bound)
    }

    /// The member's ID number, for a channel that must name the person to a third party (the
    /// medical-insurance centre). Never returned to a client or logged.
    public func idNumber(accountID: String, memberID: String) async throws -> String {
        let view = try await family.member(accountID: accountID, memberID: memberID)
        return try personal.open(view.person.idNumberSealed)
    }

    public func lookup(accountID: String, memberID: String, hospitalCode: String) async throws -> [Record] {
        let view = try await family.member(accountID: accountID, memberID: memberID)
        try await requireHospital(hospitalCode)
        let idNumber = try personal.open(view.person.idNumberSealed)
        return try await his.findPatients(hospitalCode: hospitalCode, idNumber: idNumber)
            .map { Record(patientId: $0.patientID, cardNumber: $0.cardNumber) }
    }

    /// Binds the HIS record `patientID`, which must belong to this person at that hospital.
    public func bind(accountID: String, memberID: String, hospitalCode: String, patientID: String) async throws -> BoundCard {
        let view = try await family.member(accountID: accountID, memberID: memberID)
        try await requireHospital(hospitalCode)
        let idNumber = try personal.open(view.person.idNumberSealed)
        let records = try await his.findPatients(hospitalCode: hospitalCode, idNumber: idNumber)
        guard let record = records.first(where: { $0.patientID == patientID }) else {
            throw AppError.notFound("patient_record_not_found",
                "The hospital has no record with that patient ID for this person.")
        }
        let row = PatientCardRow(personId: view.person.id, hospitalCode: hospitalCode, patientId: record.patientID,
                                 cardNumber: record.cardNumber, boundAt: clock.now())
        try await cards.bindPatientCard(row, accountID: accountID)
        return Self.bound(row)
    }

    /// 建档: creates the person's record at the hospital when it has none, then binds it.
    public func create(accountID: String, memberID: String, hospitalCode: String) async throws -> BoundCard {
        let view = try await family.member(accountID: accountID, memberID: memberID)
        try await requireHospital(hospitalCode)
        let idNumber = try personal.open(view.person.idNumberSealed)
        if try await !his.findPatients(hospitalCode: hospitalCode, idNumber: idNumber).isEmpty {
            throw AppError.conflict("patient_record_exists",
                "The hospital already has a record for this person; bind it instead.")
        }
        let created = try await newRecord(view, hospitalCode: hospitalCode, idNumber: idNumber)
        let row = PatientCardRow(personId: view.person.id, hospitalCode: hospitalCode, patientId: created.patientID,
                                 cardNumber: created.cardNumber, boundAt: clock.now())
        try await cards.bindPatientCard(row, accountID: accountID)
        return Self.bound(row)
    }

    /// The person's patient ID at a hospital, for settling a registration fee in its HIS (挂号入账):
    /// the bound card's; else the record the HIS has under the ID number; else a record created
    /// there (建档). A record found or created is bound, as if the resident had done it, so the
    /// next visit and the films of this one are found under it.
    public func patientID(accountID: String, personID: String, hospitalCode: String) async throws -> String {
        if let card = try await cards.patientCards(personID: personID).first(where: { $0.hospitalCode == hospitalCode }) {
            return card.patientId
        }
        guard let view = try await family.store.member(accountID: accountID, personID: personID) else {
            throw AppError.notFound("family_member_not_found", "The paying account no longer holds this person.")
        }
        let idNumber = try personal.open(view.person.idNumberSealed)
        let record: (patientID: String, cardNumber: String)
        if let found = try await his.findPatients(hospitalCode: hospitalCode, idNumber: idNumber).first {
            record = (found.patientID, found.cardNumber)
        } else {
            let created = try await newRecord(view, hospitalCode: hospitalCode, idNumber: idNumber)
            record = (created.patientID, created.cardNumber)
        }
        try await cards.bindPatientCard(PatientCardRow(personId: personID, hospitalCode: hospitalCode, patientId: record.patientID,
                                                       cardNumber: record.cardNumber, boundAt: clock.now()), accountID: accountID)
        return record.patientID
    }

    public func unbind(accountID: String, memberID: String, hospitalCode: String) async throws {
        let view = try await family.member(accountID: accountID, memberID: memberID)
        guard try await cards.unbindPatientCard(personID: view.person.id, hospitalCode: hospitalCode, accountID: accountID,
                                                     now: clock.now()) else {
            throw AppError.notFound("patient_card_not_found", "No card of that hospital is bound for this member.")
        }
    }

    /// 建档 at the HIS with the member's phone, else the person's.
    private func newRecord(_ view: MemberView, hospitalCode: String, idNumber: String) async throws -> HISPatient {
        let phone = try (view.member.phoneSealed ?? view.person.phoneSealed).map { try personal.open($0) }
        return try await his.createPatient(
            hospitalCode: hospitalCode, name: try personal.open(view.person.nameSealed), idNumber: idNumber,
            sex: view.person.sex, birthDate: view.person.birthDate, phone: phone ?? "")
    }

    private func requireHospital(_ code: String) async throws {
        guard try await access.hospitalExists(code: code) else {
            throw AppError.notFound("hospital_not_found", "No hospital with that code is connected to Huimin.")
        }
    }

    private static func bound(_ row: PatientCardRow) -> BoundCard {
        BoundCard(hospitalCode: row.hospitalCode, patientId: row.patientId, cardNumber: row.cardNumber,
                  boundAt: ISO8601.string(row.boundAt))
    }
}
