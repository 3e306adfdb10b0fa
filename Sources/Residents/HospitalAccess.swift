import Database
import Foundation
import HuiminCore
import Synchronization

/// Hospital systems call the integration API with an API key and an HMAC-SHA256 signature over
/// `METHOD \n PATH \n TIMESTAMP \n NONCE \n hex(SHA-256(body))`. Timestamps older or newer than
/// five minutes are refused, and a nonce is accepted once within that window.
public final class HospitalAccess: Sendable {
    public static let allowedSkew: TimeInterval = 300

    let store: AccessStore
    let personal: PersonalData
    let clock: any HuiminClock
    private let seenNonces = Mutex<NonceWindow>(NonceWindow())
    /// Opened secrets by key ID: opening on every request would cost a read and a decryption per scan.
    private let secrets = Mutex<[String: OpenedKey]>([:])

    private struct OpenedKey {
        let hospitalCode: String
        let secret: [UInt8]
        let openedAt: Date
    }

    /// How long an opened secret is trusted before the key is read again (revocation lag).
    static let secretCacheLifetime: TimeInterval = 60

    public init(store: AccessStore, personal: PersonalData, clock: any HuiminClock) {
        self.store = store
        self.personal = personal
        self.clock = clock
    }

    public struct IssuedKey: Codable, Sendable {
        public var hospitalCode: String
        public var apiKey: String
        public var apiSecret: String
    }

    public func issueKey(hospitalCode: String, name: String) async throws -> IssuedKey {
        guard hospitalCode.range(of: "^[A-Za-z0-9_-]{2,32}$", options: .regularExpression) != nil else {
            throw AppError.invalid("hospital_code_invalid", "A hospital code is 2–32 letters, digits, '-' or '_'.")
        }
        let secret = Hex.encode(randomBytes(32))
        let keyID = TypedID.make("hk")
        try await store.addHospitalKey(code: hospitalCode, name: name, keyID: keyID,
                                       secretSealed: try personal.seal(secret), now: clock.now())
        return IssuedKey(hospitalCode: hospitalCode, apiKey: keyID, apiSecret: secret)
    }

    /// Revokes a key at once in this process; other processes stop accepting it within
    /// `secretCacheLifetime`.
    public func revokeKey(_ keyID: String) async throws {
        guard try await store.revokeAPIKey(id: keyID, now: clock.now()) else {
            throw AppError.notFound("api_key_unknown", "No live API key with that ID.")
        }
        secrets.withLock { $0[keyID] = nil }
    }

    /// Checks a signed request; returns the calling hospital's code.
    public func authenticate(keyID: String?, timestamp: String?, nonce: String?, signature: String?,
                             method: String, path: String, body: [UInt8]) async throws -> String {
        guard let keyID, let timestamp, let nonce, let signature, !nonce.isEmpty, nonce.count <= 64 else {
            throw AppError.unauthorized("signature_missing",
                "Send X-Huimin-Key, X-Huimin-Timestamp, X-Huimin-Nonce and X-Huimin-Signature.")
        }
        guard let key = try await apiKey(keyID) else {
            throw AppError.unauthorized("api_key_unknown", "The API key is unknown or revoked.")
        }
        let now = clock.now().timeIntervalSince1970
        guard let ts = TimeInterval(timestamp), abs(now - ts) <= Self.allowedSkew else {
            throw AppError.unauthorized("request_expired", "The request timestamp is more than 5 minutes off.")
        }
        let expected = RequestSignature.hex(secret: key.secret, method: method, path: path, timestamp: timestamp,
                                            nonce: nonce, body: body)
        guard Digest.constantTimeEqual(Array(expected.utf8), Array(signature.lowercased().utf8)) else {
            throw AppError.unauthorized("signature_invalid", "The request signature does not match.")
        }
        let fresh = seenNonces.withLock { $0.insert(keyID + ":" + nonce, at: now, window: 2 * Self.allowedSkew) }
        guard fresh else {
            throw AppError.unauthorized("nonce_reused", "This nonce was already used; sign each request with a new one.")
        }
        return key.hospitalCode
    }

    private func apiKey(_ id: String) async throws -> OpenedKey? {
        let now = clock.now()
        if let cached = secrets.withLock({ $0[id] }), now.timeIntervalSince(cached.openedAt) < Self.secretCacheLifetime {
            return cached
        }
        guard let stored = try await store.apiKey(id: id) else {
            secrets.withLock { $0[id] = nil }
            return nil
        }
        let key = OpenedKey(hospitalCode: stored.hospitalCode, secret: Array(try personal.open(stored.secretSealed).utf8),
                            openedAt: now)
        secrets.withLock { $0[id] = key }
        return key
    }
}

/// Nonces seen recently, forgotten in bulk. A signed timestamp may lie up to one skew in the future
/// and be replayed until one skew after it, so a nonce must be remembered for two skews.
struct NonceWindow {
    private var current: Set<String> = []
    private var previous: Set<String> = []
    private var rotatedAt: TimeInterval = 0

    mutating func insert(_ nonce: String, at now: TimeInterval, window: TimeInterval) -> Bool {
        if now - rotatedAt > window {
            previous = current
            current = []
            rotatedAt = now
        }
        guard !previous.contains(nonce) else { return false }
        return current.insert(nonce).inserted
    }
}
