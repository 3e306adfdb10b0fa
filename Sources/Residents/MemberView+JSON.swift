import Database
import Foundation
import HuiminCore

/// A family member as the resident API shows it: personal data masked.
public struct MemberResponse: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var idNumber: String
    public var phone: String?
    public var relation: String
    public var isDefault: Bool
    public var sex: String
    /// Only the year: the masked ID number hides the birth date, and a full date beside it would
    /// leave just two hidden digits.
    public var birthYear: Int
    public var cardId: String
}

/// The same person unmasked, for entitled staff (every such read is audited).
public struct PersonDetail: Codable, Sendable {
    public var memberId: String
    public var name: String
    public var idNumber: String
    public var phone: String?
    public var sex: String
    public var birthDate: String
    public var cardId: String
}

extension PersonalData {
    func response(_ view: MemberView) throws -> MemberResponse {
        let phone = try (view.member.phoneSealed ?? view.person.phoneSealed).map { Masking.phone(try open($0)) }
        return MemberResponse(
            id: view.member.id,
            name: Masking.name(try open(view.person.nameSealed)),
            idNumber: Masking.idNumber(try open(view.person.idNumberSealed)),
            phone: phone,
            relation: view.member.relation,
            isDefault: view.member.isDefault,
            sex: view.person.sex,
            birthYear: Int(view.person.birthDate.prefix(4)) ?? 0,
            cardId: view.card.cardId)
    }

    func detail(_ view: MemberView) throws -> PersonDetail {
        PersonDetail(
            memberId: view.member.id,
            name: try open(view.person.nameSealed),
            idNumber: try open(view.person.idNumberSealed),
            phone: try (view.member.phoneSealed ?? view.person.phoneSealed).map { try open($0) },
            sex: view.person.sex,
            birthDate: view.person.birthDate,
            cardId: view.card.cardId)
    }
}
