import Database
import Foundation
import HuiminCore

/// Real-name registration and the family list (就诊人). Every member is a real-named person; the
/// same person may sit in several accounts' lists (two parents and a child) and has one card.
public struct FamilyService: Sendable {
    public static let relations: Set<String> = ["spouse", "child", "parent", "other"]

    let store: ResidentStore
    let personal: PersonalData
    let codes: VerificationCodes
    let clock: any HuiminClock
    let issuer: String
    let memberLimit: Int

    public init(store: ResidentStore, personal: PersonalData, codes: VerificationCodes, clock: any HuiminClock,
                issuer: String, memberLimit: Int) {
        self.store = store
        self.personal = personal
        self.codes = codes
        self.clock = clock
        self.issuer = issuer
        self.memberLimit = memberLimit
    }

    public func registerRealName(accountID: String, name: String, idNumber: String, phone: String, smsCode: String) async throws -> MemberResponse {
        let now = clock.now()
        let cleanName = try Self.validName(name)
        let id = try IDCardNumber(idNumber, today: now)
        let mobile = try PhoneNumber(phone)
        let challengeID = try await codes.check(phone: mobile, purpose: "real_name", requester: accountID, code: smsCode)
        let person = try newPerson(id: id, name: cleanName, phone: mobile, now: now)
        let view = try await store.registerSelf(
            accountID: accountID, person: person, card: newCard(personID: person.id, now: now),
            memberID: TypedID.make("mem"), challengeID: challengeID, now: now,
            checkExisting: nameCheck(cleanName))
        return try personal.response(view)
    }

    public func addMember(accountID: String, name: String, idNumber: String, relation: String, phone: String?) async throws -> MemberResponse {
        let now = clock.now()
        guard try await store.members(accountID: accountID).contains(where: { $0.member.relation == "self" }) else {
            throw AppError.forbidden("real_name_required", "Register your own real name before adding family members.")
        }
        guard Self.relations.contains(relation) else {
            throw AppError.invalid("relation_invalid", "Relation is one of spouse, child, parent or other.")
        }
        let cleanName = try Self.validName(name)
        let id = try IDCardNumber(idNumber, today: now)
        let mobile = try phone.map { try PhoneNumber($0) }
        let person = try newPerson(id: id, name: cleanName, phone: mobile, now: now)
        let member = FamilyMemberRow(id: TypedID.make("mem"), accountId: accountID, personId: person.id, relation: relation,
                                     isDefault: false, phoneIndex: person.phoneIndex, phoneSealed: person.phoneSealed,
                                     createdAt: now)
        let view = try await store.addFamilyMember(accountID: accountID, person: person,
                                                   card: newCard(personID: person.id, now: now), member: member,
                                                   limit: memberLimit, checkExisting: nameCheck(cleanName))
        return try personal.response(view)
    }

    public func members(accountID: String) async throws -> [MemberResponse] {
        try await store.members(accountID: accountID).map { try personal.response($0) }
    }

    public func member(accountID: String, memberID: String) async throws -> MemberView {
        guard let view = try await store.member(accountID: accountID, memberID: memberID) else {
            throw AppError.notFound("family_member_not_found", "No such family member in this account.")
        }
        return view
    }

    public func memberResponse(accountID: String, memberID: String) async throws -> MemberResponse {
        try personal.response(try await member(accountID: accountID, memberID: memberID))
    }

    public func update(accountID: String, memberID: String, relation: String?, phone: String?) async throws -> MemberResponse {
        if let relation, !Self.relations.contains(relation) {
            throw AppError.invalid("relation_invalid", "Relation is one of spouse, child, parent or other.")
        }
        let sealedPhone = try phone.map { raw -> (index: String, sealed: Data) in
            let p = try PhoneNumber(raw)
            return (personal.phoneIndex(p), try personal.seal(p.value))
        }
        let view = try await store.updateMember(accountID: accountID, memberID: memberID, relation: relation, phone: sealedPhone)
        return try personal.response(view)
    }

    public func remove(accountID: String, memberID: String) async throws {
        try await store.removeMember(accountID: accountID, memberID: memberID)
    }

    public func setDefault(accountID: String, memberID: String) async throws -> MemberResponse {
        try personal.response(try await store.setDefaultMember(accountID: accountID, memberID: memberID))
    }

    private func newPerson(id: IDCardNumber, name: String, phone: PhoneNumber?, now: Date) throws -> PersonRow {
        let birth = id.birthDate
        return PersonRow(
            id: TypedID.make("per"), idNumberIndex: personal.idNumberIndex(id), idNumberSealed: try personal.seal(id.value),
            nameSealed: try personal.seal(name), phoneIndex: phone.map { personal.phoneIndex($0) },
            phoneSealed: try phone.map { try personal.seal($0.value) }, sex: id.sex.rawValue,
            birthDate: String(format: "%04d-%02d-%02d", birth.year!, birth.month!, birth.day!), createdAt: now)
    }

    private func newCard(personID: String, now: Date) -> HealthCardRow {
        HealthCardRow(cardId: Hex.encode(randomBytes(32), uppercase: true), personId: personID, issuer: issuer,
                             status: "active", createdAt: now)
    }

    /// A person already in the registry must be added under the same name as before.
    private func nameCheck(_ name: String) -> @Sendable (PersonRow) throws -> Void {
        let personal = self.personal
        return { existing in
            guard try personal.open(existing.nameSealed) == name else {
                throw AppError.rule("real_name_mismatch", "The name does not match the one registered for this ID number.")
            }
        }
    }

    static func validName(_ raw: String) throws(AppError) -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (2...30).contains(name.count), !name.contains(where: { ($0.isASCII && $0.isNumber) || $0.isNewline }) else {
            throw .invalid("name_invalid", "A name has 2 to 30 characters and no digits.")
        }
        return name
    }
}
