import Database
import Foundation
import HuiminCore

/// The e-health card (电子健康卡): its signed dynamic QR code, the printable static code, and the
/// published keys terminals use to verify codes offline.
public struct HealthCardService: Sendable {
    let family: FamilyService
    let cards: CardStore
    let crypto: any CryptoProfile
    let clock: any HuiminClock
    let issuer: String
    let ttl: TimeInterval

    public init(family: FamilyService, cards: CardStore, crypto: any CryptoProfile, clock: any HuiminClock,
                issuer: String, ttl: TimeInterval) {
        self.family = family
        self.cards = cards
        self.crypto = crypto
        self.clock = clock
        self.issuer = issuer
        self.ttl = ttl
    }

    public struct CardInfo: Codable, Sendable {
        public var cardId: String
        public var status: String
        public var issuer: String
        public var staticCodeSerial: String?
    }

    public struct DynamicCode: Codable, Sendable {
        public var payload: String
        public var expiresAt: String
        public var ttlSeconds: Int
    }

    public struct StaticCode: Codable, Sendable {
        public var payload: String
        public var serial: String
        public var issuedAt: String
    }

    public struct KeySet: Codable, Sendable {
        public var issuer: String
        public var keys: [PublishedKey]
    }

    public var keySet: KeySet { KeySet(issuer: issuer, keys: crypto.publishedKeys) }

    public func card(accountID: String, memberID: String) async throws -> CardInfo {
        let view = try await family.member(accountID: accountID, memberID: memberID)
        let active = try await cards.activeStaticCode(cardID: view.card.cardId)
        return CardInfo(cardId: view.card.cardId, status: view.card.status, issuer: view.card.issuer,
                        staticCodeSerial: active?.serial)
    }

    /// A fresh dynamic code, valid `ttl` seconds.
    public func dynamicCode(accountID: String, memberID: String) async throws -> DynamicCode {
        let view = try await family.member(accountID: accountID, memberID: memberID)
        try Self.requireActive(view.card)
        let now = clock.now()
        let iat = UInt32(now.timeIntervalSince1970)
        let exp = iat + UInt32(ttl)
        let payload = try sign(CardCode(kind: .dynamic, issuer: issuer, keyID: "", cardID: try cardBytes(view.card),
                                        issuedAt: iat, expiresAt: exp, reference: randomBytes(8)))
        return DynamicCode(payload: payload, expiresAt: ISO8601.string(Date(timeIntervalSince1970: TimeInterval(exp))),
                           ttlSeconds: Int(ttl))
    }

    /// A printable code with no expiry; usable only with an SMS code, revoked by the next one.
    public func issueStaticCode(accountID: String, memberID: String) async throws -> StaticCode {
        let view = try await family.member(accountID: accountID, memberID: memberID)
        try Self.requireActive(view.card)
        let now = clock.now()
        let serial = TypedID.make("stc")
        let payload = try sign(CardCode(kind: .staticCode, issuer: issuer, keyID: "", cardID: try cardBytes(view.card),
                                        issuedAt: UInt32(now.timeIntervalSince1970), expiresAt: 0,
                                        reference: Array(serial.utf8)))
        let row = try await cards.issueStaticCode(cardID: view.card.cardId, serial: serial, now: now)
        return StaticCode(payload: payload, serial: serial, issuedAt: ISO8601.string(row.issuedAt))
    }

    public func revokeStaticCode(accountID: String, memberID: String) async throws {
        let view = try await family.member(accountID: accountID, memberID: memberID)
        guard try await cards.revokeStaticCodes(cardID: view.card.cardId, now: clock.now()) > 0 else {
            throw AppError.notFound("static_code_not_found", "There is no printed code to revoke.")
        }
    }

    /// Signs with the active key; the key ID goes inside the signed bytes so it cannot be swapped.
    private func sign(_ unsigned: CardCode) throws -> String {
        var code = unsigned
        code.keyID = crypto.activeSigningKeyID
        let signed = try crypto.signCode(code.signedBytes)
        guard signed.keyID == code.keyID else {
            throw AppError.unavailable("signing_key_rotating", "The signing key is being rotated; try again.")
        }
        return code.encoded(signature: signed.signature)
    }

    private func cardBytes(_ card: HealthCardRow) throws -> [UInt8] {
        guard let bytes = Hex.decode(card.cardId), bytes.count == 32 else { throw AppError.internalError }
        return bytes
    }

    static func requireActive(_ card: HealthCardRow) throws(AppError) {
        guard card.status == "active" else {
            throw .rule("card_inactive", "This e-health card is \(card.status) and cannot be used.")
        }
    }
}
