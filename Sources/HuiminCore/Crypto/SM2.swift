import CCrypto

/// SM2 (GB/T 32918) signatures over SM3. The signer's distinguishing ID is hashed into every
/// signature, so signer and verifier must agree on it; GM/T 0009 fixes the default.
public enum SM2 {
    public static let defaultSignerID = "1234567812345678"
}

public final class SM2PrivateKey: Sendable {
    private let key: OpenSSLKey
    /// PKCS#8 PEM.
    public let pem: String
    public let publicKey: SM2PublicKey

    public convenience init(pem: String) throws {
        try self.init(key: OpenSSLKey(encoded: pem, isPrivate: true))
    }

    private init(key: OpenSSLKey) throws(AppError) {
        guard key.type == CCRYPTO_KEY_SM2 else { throw CryptoErrors.keyWrongType }
        self.key = key
        self.pem = try key.privatePEM()
        self.publicKey = try SM2PublicKey(key: OpenSSLKey(encoded: key.publicPEM(), isPrivate: false))
    }

    public static func generate() throws -> SM2PrivateKey {
        try SM2PrivateKey(key: OpenSSLKey.generated(ccrypto_sm2_generate()))
    }

    /// Returns a DER signature (SEQUENCE of the integers r and s).
    public func sign(_ message: [UInt8], signerID: String = SM2.defaultSignerID) throws -> [UInt8] {
        let id = Array(signerID.utf8)
        return try message.withUnsafeBufferPointer { m throws(AppError) in
            try OpenSSLKey.allocatedBytes { ccrypto_sm2_sign(key.handle, id, id.count, m.baseAddress, m.count, $0, $1) }
        }
    }
}

public final class SM2PublicKey: Sendable {
    private let key: OpenSSLKey
    /// SubjectPublicKeyInfo PEM.
    public let pem: String

    public convenience init(pem: String) throws {
        try self.init(key: OpenSSLKey(encoded: pem, isPrivate: false))
    }

    fileprivate init(key: OpenSSLKey) throws(AppError) {
        guard key.type == CCRYPTO_KEY_SM2 else { throw CryptoErrors.keyWrongType }
        self.key = key
        self.pem = try key.publicPEM()
    }

    /// Expects a DER signature; false for any malformed input.
    public func verify(signature: [UInt8], message: [UInt8], signerID: String = SM2.defaultSignerID) -> Bool {
        let id = Array(signerID.utf8)
        return message.withUnsafeBufferPointer { m in
            signature.withUnsafeBufferPointer { s in
                ccrypto_sm2_verify(key.handle, id, id.count, m.baseAddress, m.count, s.baseAddress, s.count) == 1
            }
        }
    }
}
