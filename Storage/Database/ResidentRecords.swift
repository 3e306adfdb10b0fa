import Foundation
import GRDB

/// Row types of the resident schema. Sealed columns stay sealed here: only the domain layer,
/// which holds the crypto profile, opens them.
public struct AccountRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "account"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var id: String
    public var channel: String
    public var appId: String
    public var channelUserId: String
    public var createdAt: Date
    public var lastLoginAt: Date
}

public struct SessionRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "session"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var id: String
    public var kind: String
    public var subjectId: String
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(id: String, kind: String, subjectId: String, createdAt: Date, expiresAt: Date) {
        self.id = id
        self.kind = kind
        self.subjectId = subjectId
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = nil
    }
}

public struct PersonRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "person"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var id: String
    public var idNumberIndex: String
    public var idNumberSealed: Data
    public var nameSealed: Data
    public var phoneIndex: String?
    public var phoneSealed: Data?
    public var sex: String
    public var birthDate: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, idNumberIndex: String, idNumberSealed: Data, nameSealed: Data, phoneIndex: String?,
                phoneSealed: Data?, sex: String, birthDate: String, createdAt: Date) {
        self.id = id
        self.idNumberIndex = idNumberIndex
        self.idNumberSealed = idNumberSealed
        self.nameSealed = nameSealed
        self.phoneIndex = phoneIndex
        self.phoneSealed = phoneSealed
        self.sex = sex
        self.birthDate = birthDate
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }
}

public struct FamilyMemberRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "family_member"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var id: String
    public var accountId: String
    public var personId: String
    public var relation: String
    public var isDefault: Bool
    /// The contact phone this account keeps for the member (a child may use a parent's).
    public var phoneIndex: String?
    public var phoneSealed: Data?
    public var createdAt: Date

    public init(id: String, accountId: String, personId: String, relation: String, isDefault: Bool,
                phoneIndex: String?, phoneSealed: Data?, createdAt: Date) {
        self.id = id
        self.accountId = accountId
        self.personId = personId
        self.relation = relation
        self.isDefault = isDefault
        self.phoneIndex = phoneIndex
        self.phoneSealed = phoneSealed
        self.createdAt = createdAt
    }
}

public struct HealthCardRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "health_card"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var cardId: String
    public var personId: String
    public var issuer: String
    public var status: String
    public var createdAt: Date

    public init(cardId: String, personId: String, issuer: String, status: String, createdAt: Date) {
        self.cardId = cardId
        self.personId = personId
        self.issuer = issuer
        self.status = status
        self.createdAt = createdAt
    }
}

public struct StaticCodeRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "static_code"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var serial: String
    public var cardId: String
    public var issuedAt: Date
    public var revokedAt: Date?
}

public struct PatientCardRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "patient_card"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var personId: String
    public var hospitalCode: String
    public var patientId: String
    public var cardNumber: String
    public var boundAt: Date

    public init(personId: String, hospitalCode: String, patientId: String, cardNumber: String, boundAt: Date) {
        self.personId = personId
        self.hospitalCode = hospitalCode
        self.patientId = patientId
        self.cardNumber = cardNumber
        self.boundAt = boundAt
    }
}

public struct SMSChallengeRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "sms_challenge"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public var id: String
    public var phoneIndex: String
    public var purpose: String
    public var requester: String
    public var codeMac: Data
    public var attempts: Int
    public var createdAt: Date
    public var expiresAt: Date
    public var consumedAt: Date?

    public init(id: String, phoneIndex: String, purpose: String, requester: String, codeMac: Data, createdAt: Date,
                expiresAt: Date) {
        self.id = id
        self.phoneIndex = phoneIndex
        self.purpose = purpose
        self.requester = requester
        self.codeMac = codeMac
        self.attempts = 0
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.consumedAt = nil
    }
}

/// A family member with the person and card behind it, as the resident API shows it.
public struct MemberView: Sendable {
    public var member: FamilyMemberRow
    public var person: PersonRow
    public var card: HealthCardRow
}
