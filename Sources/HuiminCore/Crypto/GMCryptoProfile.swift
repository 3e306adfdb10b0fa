import Foundation

/// National cryptography (商用密码): SM2/SM3 signatures, SM4-CTR with an SM3-HMAC for fields,
/// SM3-HMAC for blind indexes and token MACs.
public final class GMCryptoProfile: CryptoProfile {
    public let name = "gm"
    public let keyRing: KeyRing
    private let signingKeys = KeyCache<SM2PrivateKey>()
    private let fieldKeys = KeyCache<FieldKey>()
    private let macKeys = KeyCache<[UInt8]>()

    /// SM4-CTR has no integrity of its own, so each field key yields separate encryption and MAC
    /// keys (never the same key for both jobs).
    private struct FieldKey: Sendable {
        let encryption: [UInt8]
        let mac: [UInt8]

        init(material: String) throws(AppError) {
            let master = try SymmetricMaterial.decode(material)
            encryption = Array(SM3.hmac(key: master, message: Array("huimin field sm4".utf8)).prefix(SM4CTR.keyLength))
            mac = SM3.hmac(key: master, message: Array("huimin field mac".utf8))
        }
    }

    private static let tagLength = 32

    public init(keysDirectory: URL, clock: any HuiminClock = SystemClock()) throws {
        keyRing = try KeyRing(directory: keysDirectory, profile: "gm", clock: clock) { purpose in
            switch purpose {
            case .signing: try SM2PrivateKey.generate().pem
            case .field, .index, .token: SymmetricMaterial.generate()
            }
        }
        // Parse every stored key now, so a damaged ring stops the server at start-up rather than
        // failing the first resident whose data needs it.
        for entry in keyRing.all {
            switch entry.purpose {
            case .signing: _ = try signingKeys.value(entry, parse: SM2PrivateKey.init(pem:))
            case .field: _ = try fieldKeys.value(entry, parse: FieldKey.init(material:))
            case .index, .token: _ = try macKeys.value(entry, parse: SymmetricMaterial.decode)
            }
        }
    }

    public func signCode(_ message: [UInt8]) throws -> SignedBytes {
        let entry = keyRing.active(.signing)
        let key = try signingKeys.value(entry, parse: SM2PrivateKey.init(pem:))
        return SignedBytes(keyID: entry.keyID, signature: try key.sign(message, signerID: SM2.defaultSignerID))
    }

    public var activeSigningKeyID: String { keyRing.active(.signing).keyID }

    public func verifyCode(_ message: [UInt8], signature: [UInt8], keyID: String) -> Bool {
        guard let entry = keyRing.entry(keyID, purpose: .signing),
              let key = try? signingKeys.value(entry, parse: SM2PrivateKey.init(pem:)) else { return false }
        return key.publicKey.verify(signature: signature, message: message, signerID: SM2.defaultSignerID)
    }

    public var publishedKeys: [PublishedKey] {
        keyRing.all.filter { $0.purpose == .signing }.compactMap { entry in
            guard let key = try? signingKeys.value(entry, parse: SM2PrivateKey.init(pem:)) else { return nil }
            return PublishedKey(keyID: entry.keyID, algorithm: "SM2-SM3", publicKeyPEM: key.publicKey.pem,
                                signerID: SM2.defaultSignerID, active: entry.active)
        }
    }

    /// `header | iv (16) | SM4-CTR ciphertext | HMAC-SM3(header | iv | ciphertext) (32)`.
    public func seal(_ plaintext: [UInt8]) throws -> [UInt8] {
        let entry = keyRing.active(.field)
        let key = try fieldKeys.value(entry, parse: FieldKey.init(material:))
        let iv = randomBytes(SM4CTR.ivLength)
        var sealed = SealedEnvelope.header(keyID: entry.keyID) + iv
        sealed += try SM4CTR.apply(to: plaintext, key: key.encryption, iv: iv)
        sealed += SM3.hmac(key: key.mac, message: sealed)
        return sealed
    }

    public func open(_ sealed: [UInt8]) throws -> [UInt8] {
        let envelope = try SealedEnvelope(parsing: sealed)
        guard let entry = keyRing.entry(envelope.keyID, purpose: .field) else { throw CryptoErrors.keyUnknown }
        let key = try fieldKeys.value(entry, parse: FieldKey.init(material:))
        guard envelope.body.count >= SM4CTR.ivLength + Self.tagLength else { throw CryptoErrors.ciphertextInvalid }
        let tagStart = sealed.count - Self.tagLength
        // Encrypt-then-MAC: nothing is decrypted until the tag over the whole envelope checks out.
        let expected = SM3.hmac(key: key.mac, message: Array(sealed[..<tagStart]))
        guard Digest.constantTimeEqual(expected, Array(sealed[tagStart...])) else { throw CryptoErrors.ciphertextInvalid }
        let ivStart = envelope.body.startIndex
        let iv = Array(sealed[ivStart..<ivStart + SM4CTR.ivLength])
        return try SM4CTR.apply(to: Array(sealed[(ivStart + SM4CTR.ivLength)..<tagStart]), key: key.encryption, iv: iv)
    }

    public func blindIndex(_ normalized: String) -> String {
        Hex.encode(SM3.hmac(key: symmetricKey(.index), message: Array(normalized.utf8)))
    }

    public func tokenMAC(_ message: [UInt8]) -> [UInt8] {
        SM3.hmac(key: symmetricKey(.token), message: message)
    }

    private func symmetricKey(_ purpose: KeyPurpose) -> [UInt8] {
        // Stored keys were checked in init and new ones are generated here, so decoding cannot fail.
        try! macKeys.value(keyRing.active(purpose), parse: SymmetricMaterial.decode)
    }
}
