import Crypto
import Foundation

/// International algorithms through swift-crypto: Ed25519 signatures, AES-256-GCM for fields,
/// HMAC-SHA256 for blind indexes and token MACs.
public final class IntlCryptoProfile: CryptoProfile {
    public let name = "intl"
    public let keyRing: KeyRing
    private let signingKeys = KeyCache<Curve25519.Signing.PrivateKey>()
    private let symmetricKeys = KeyCache<SymmetricKey>()

    public init(keysDirectory: URL, clock: any HuiminClock = SystemClock()) throws {
        keyRing = try KeyRing(directory: keysDirectory, profile: "intl", clock: clock) { purpose in
            switch purpose {
            case .signing: Curve25519.Signing.PrivateKey().rawRepresentation.base64EncodedString()
            case .field, .index, .token: SymmetricMaterial.generate()
            }
        }
        // Parse every stored key now, so a damaged ring stops the server at start-up.
        for entry in keyRing.all {
            switch entry.purpose {
            case .signing: _ = try signingKeys.value(entry, parse: Self.signingKey)
            case .field, .index, .token: _ = try symmetricKeys.value(entry, parse: Self.symmetricKey)
            }
        }
    }

    public func signCode(_ message: [UInt8]) throws -> SignedBytes {
        let entry = keyRing.active(.signing)
        let key = try signingKeys.value(entry, parse: Self.signingKey)
        return SignedBytes(keyID: entry.keyID, signature: Array(try key.signature(for: message)))
    }

    public var activeSigningKeyID: String { keyRing.active(.signing).keyID }

    public func verifyCode(_ message: [UInt8], signature: [UInt8], keyID: String) -> Bool {
        guard let entry = keyRing.entry(keyID, purpose: .signing),
              let key = try? signingKeys.value(entry, parse: Self.signingKey) else { return false }
        return key.publicKey.isValidSignature(signature, for: message)
    }

    public var publishedKeys: [PublishedKey] {
        keyRing.all.filter { $0.purpose == .signing }.compactMap { entry in
            guard let key = try? signingKeys.value(entry, parse: Self.signingKey) else { return nil }
            return PublishedKey(keyID: entry.keyID, algorithm: "Ed25519", publicKeyPEM: Self.pem(key.publicKey),
                                signerID: nil, active: entry.active)
        }
    }

    /// `header | AES-GCM nonce (12) | ciphertext | tag (16)`, the header authenticated as associated data.
    public func seal(_ plaintext: [UInt8]) throws -> [UInt8] {
        let entry = keyRing.active(.field)
        let key = try symmetricKeys.value(entry, parse: Self.symmetricKey)
        let header = SealedEnvelope.header(keyID: entry.keyID)
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: header)
        // combined is nil only for non-standard nonce sizes; seal uses the standard 12 bytes.
        return header + Array(box.combined!)
    }

    public func open(_ sealed: [UInt8]) throws -> [UInt8] {
        let envelope = try SealedEnvelope(parsing: sealed)
        guard let entry = keyRing.entry(envelope.keyID, purpose: .field) else { throw CryptoErrors.keyUnknown }
        let key = try symmetricKeys.value(entry, parse: Self.symmetricKey)
        do {
            let box = try AES.GCM.SealedBox(combined: envelope.body)
            return Array(try AES.GCM.open(box, using: key, authenticating: envelope.header))
        } catch {
            throw CryptoErrors.ciphertextInvalid
        }
    }

    public func blindIndex(_ normalized: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(normalized.utf8), using: activeSymmetricKey(.index)))
    }

    public func tokenMAC(_ message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: activeSymmetricKey(.token)))
    }

    private func activeSymmetricKey(_ purpose: KeyPurpose) -> SymmetricKey {
        // Stored keys were checked in init and new ones are generated here, so decoding cannot fail.
        try! symmetricKeys.value(keyRing.active(purpose), parse: Self.symmetricKey)
    }

    private static func signingKey(_ material: String) throws -> Curve25519.Signing.PrivateKey {
        guard let raw = Data(base64Encoded: material) else { throw CryptoErrors.keyInvalid }
        return try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
    }

    private static func symmetricKey(_ material: String) throws -> SymmetricKey {
        SymmetricKey(data: try SymmetricMaterial.decode(material))
    }

    /// SubjectPublicKeyInfo for Ed25519 (RFC 8410): a fixed 12-byte prefix, then the 32-byte key.
    private static func pem(_ key: Curve25519.Signing.PublicKey) -> String {
        let spki: [UInt8] = [0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]
            + Array(key.rawRepresentation)
        let body = Data(spki).base64EncodedString(options: .lineLength64Characters)
        return "-----BEGIN PUBLIC KEY-----\n\(body)\n-----END PUBLIC KEY-----\n"
    }
}
