import Database
import Foundation
import HuiminCore

/// What a hospital terminal gets when it scans a card code: the checks, in the order that gives
/// each failure its own code, and the minimum identity the terminal needs (masked).
public struct CardVerification: Sendable {
    let cards: CardStore
    let personal: PersonalData
    let codes: VerificationCodes
    let usage: CardUsageLog
    let clock: any HuiminClock
    let issuer: String

    public init(cards: CardStore, personal: PersonalData, codes: VerificationCodes, usage: CardUsageLog,
                clock: any HuiminClock, issuer: String) {
        self.cards = cards
        self.personal = personal
        self.codes = codes
        self.usage = usage
        self.clock = clock
        self.issuer = issuer
    }

    public struct Request: Codable, Sendable {
        public var payload: String
        public var terminalId: String
        public var medicalStep: String?
        public var smsCode: String?
    }

    public struct Verified: Codable, Sendable {
        public var cardId: String
        public var codeType: String
        public var name: String
        public var idNumber: String
        public var sex: String
        /// The year only, for the same reason as in `MemberResponse`.
        public var birthYear: Int
        public var hospitalCode: String
        public var patientCardNumber: String?
        public var verifiedAt: String
    }

    public func verify(_ request: Request, hospitalCode: String) async throws -> Verified {
        let terminal = request.terminalId.trimmingCharacters(in: .whitespaces)
        guard !terminal.isEmpty, terminal.count <= 64 else {
            throw AppError.invalid("terminal_id_invalid", "terminalId is required (at most 64 characters).")
        }
        let (code, signed, signature) = try CardCode.decode(request.payload)
        guard code.issuer == issuer else {
            throw AppError.rule("qr_foreign_issuer", "This code was issued by another platform (\(code.issuer)).")
        }
        guard personal.crypto.verifyCode(signed, signature: signature, keyID: code.keyID) else {
            throw AppError.rule("qr_signature_invalid", "The code's signature does not verify; it was altered or forged.")
        }
        let now = clock.now()
        if code.kind == .dynamic && TimeInterval(code.expiresAt) < now.timeIntervalSince1970 {
            throw AppError.rule("qr_expired", "The code has expired; ask the resident to refresh it.")
        }
        let cardID = Hex.encode(code.cardID, uppercase: true)
        let serial = code.kind == .staticCode ? String(decoding: code.reference, as: UTF8.self) : nil
        guard let holder = try await cards.holder(cardID: cardID, hospitalCode: hospitalCode, staticSerial: serial) else {
            throw AppError.rule("qr_revoked", "This card no longer exists.")
        }
        guard holder.card.status == "active" else {
            throw AppError.rule("qr_revoked", "This card has been \(holder.card.status).")
        }
        if code.kind == .staticCode {
            guard let staticCode = holder.staticCode, staticCode.cardId == cardID, staticCode.revokedAt == nil else {
                throw AppError.rule("qr_revoked", "This printed code has been revoked.")
            }
            try await confirmHolderSMS(holder: holder, cardID: cardID, hospitalCode: hospitalCode, smsCode: request.smsCode)
        }
        usage.record(.init(cardID: cardID, hospitalCode: hospitalCode, terminalID: terminal,
                           medicalStep: request.medicalStep, codeType: code.kind == .dynamic ? "dynamic" : "static",
                           verifiedAt: now))
        return Verified(
            cardId: cardID, codeType: code.kind == .dynamic ? "dynamic" : "static",
            name: Masking.name(try personal.open(holder.person.nameSealed)),
            idNumber: Masking.idNumber(try personal.open(holder.person.idNumberSealed)),
            sex: holder.person.sex, birthYear: Int(holder.person.birthDate.prefix(4)) ?? 0, hospitalCode: hospitalCode,
            patientCardNumber: holder.patientCard?.cardNumber, verifiedAt: ISO8601.string(now))
    }

    /// A printed code is only half the proof: the holder's phone supplies the other half.
    private func confirmHolderSMS(holder: CardStore.CardHolder, cardID: String, hospitalCode: String,
                                  smsCode: String?) async throws {
        guard let sealedPhone = holder.person.phoneSealed else {
            throw AppError.rule("static_code_no_phone", "The card holder has no phone on record; use the dynamic code.")
        }
        let phone = try PhoneNumber(try personal.open(sealedPhone))
        let purpose = "card:" + cardID
        guard let smsCode else {
            _ = try await codes.send(to: phone, purpose: purpose, requester: hospitalCode)
            throw AppError("static_code_sms_required", status: 428,
                           "A verification code was sent to the holder's phone \(phone.masked); repeat with smsCode.")
        }
        let challenge = try await codes.check(phone: phone, purpose: purpose, requester: hospitalCode, code: smsCode)
        guard try await codes.consume(challenge) else {
            throw AppError.rule("sms_code_invalid", "The verification code was already used.")
        }
    }
}
