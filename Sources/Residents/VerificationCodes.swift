import Database
import Foundation
import HuiminCore

/// SMS verification codes (短信验证码): 6 digits, valid 5 minutes, at most 5 wrong tries, and at most
/// 1 send a minute, 5 an hour and 10 a day per number. The code is stored only as a MAC and
/// reaches the SMS gateway through the durable job queue.
public struct VerificationCodes: Sendable {
    public static let jobKind = "sms.verification"
    static let validity: TimeInterval = 300
    static let maxAttempts = 5
    static let sendLimits: [(window: TimeInterval, max: Int)] = [(60, 1), (3600, 5), (86_400, 10)]

    let store: ResidentStore
    let personal: PersonalData
    let clock: any HuiminClock

    public init(store: ResidentStore, personal: PersonalData, clock: any HuiminClock) {
        self.store = store
        self.personal = personal
        self.clock = clock
    }

    /// The queued job's payload; the worker sends `code` to `phone` with the verification template.
    public struct SMSJob: Codable, Sendable, Equatable {
        public var phone: String
        public var code: String
        /// The challenge ID, echoed by the gateway in delivery receipts (回执).
        public var outID: String
        /// When the code stops being accepted; a job still queued then is not worth sending.
        public var expiresAt: Date

        public init(phone: String, code: String, outID: String, expiresAt: Date) {
            self.phone = phone
            self.code = code
            self.outID = outID
            self.expiresAt = expiresAt
        }
    }

    public struct Sent: Codable, Sendable {
        public var expiresAt: String
        public var resendAfterSeconds: Int
    }

    /// `requester` (an account ID, a hospital code) is the only party that may use the code.
    public func send(to phone: PhoneNumber, purpose: String, requester: String) async throws -> Sent {
        let now = clock.now()
        let code = Self.randomCode()
        let id = TypedID.make("sms")
        let challenge = SMSChallengeRow(id: id, phoneIndex: personal.phoneIndex(phone), purpose: purpose,
                                        requester: requester, codeMac: Data(mac(code: code, challengeID: id)),
                                        createdAt: now, expiresAt: now.addingTimeInterval(Self.validity))
        let payload = try JSONEncoder().encode(SMSJob(phone: phone.value, code: code, outID: id, expiresAt: challenge.expiresAt))
        let job = QueuedJob(kind: Self.jobKind, sealedPayload: Data(try personal.crypto.seal(Array(payload))),
                            maxAttempts: 5, idempotencyKey: id)
        try await store.createSMSChallenge(challenge, limits: Self.sendLimits, job: job)
        return Sent(expiresAt: ISO8601.string(challenge.expiresAt), resendAfterSeconds: 60)
    }

    /// Checks `code`; returns the challenge to consume together with the change it authorises.
    public func check(phone: PhoneNumber, purpose: String, requester: String, code: String) async throws -> String {
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        guard trimmed.count == 6, trimmed.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw AppError.invalid("sms_code_format", "A verification code is 6 digits.")
        }
        let crypto = personal.crypto
        return try await store.checkSMSChallenge(phoneIndex: personal.phoneIndex(phone), purpose: purpose, requester: requester,
                                                 now: clock.now(), maxAttempts: Self.maxAttempts) { stored, id in
            Digest.constantTimeEqual(Array(stored), Self.mac(crypto: crypto, code: trimmed, challengeID: id))
        }
    }

    /// Marks a checked code used; false if a concurrent request used it first.
    public func consume(_ challengeID: String) async throws -> Bool {
        try await store.consumeSMSChallenge(id: challengeID, now: clock.now())
    }

    private func mac(code: String, challengeID: String) -> [UInt8] {
        Self.mac(crypto: personal.crypto, code: code, challengeID: challengeID)
    }

    private static func mac(crypto: any CryptoProfile, code: String, challengeID: String) -> [UInt8] {
        crypto.tokenMAC(Array("sms:\(challengeID):\(code)".utf8))
    }

    static func randomCode() -> String {
        var rng = SystemRandomNumberGenerator()
        return String(format: "%06d", Int.random(in: 0..<1_000_000, using: &rng))
    }
}
