import CCrypto

/// An RSA-2048 private key for Alipay's "RSA2" signatures (SHA256withRSA, PKCS#1 v1.5).
public final class RSA2PrivateKey: Sendable {
    private let key: OpenSSLKey
    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    public let pem: String
    public let publicKey: RSA2PublicKey

    /// Accepts PEM (PKCS#8 or PKCS#1) or the bare base64 body Alipay's console hands out.
    public convenience init(pem: String) throws {
        try self.init(key: OpenSSLKey(encoded: pem, isPrivate: true))
    }

    private init(key: OpenSSLKey) throws(AppError) {
        guard key.type == CCRYPTO_KEY_RSA, key.bits >= 2048 else { throw CryptoErrors.keyWrongType }
        self.key = key
        self.pem = try key.privatePEM()
        self.publicKey = try RSA2PublicKey(key: OpenSSLKey(encoded: key.publicPEM(), isPrivate: false))
    }

    public static func generate() throws -> RSA2PrivateKey {
        try RSA2PrivateKey(key: OpenSSLKey.generated(ccrypto_rsa_generate(2048)))
    }

    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        try message.withUnsafeBufferPointer { m throws(AppError) in
            try OpenSSLKey.allocatedBytes { ccrypto_rsa_sha256_sign(key.handle, m.baseAddress, m.count, $0, $1) }
        }
    }
}

/// An RSA public key that checks "RSA2" signatures.
public final class RSA2PublicKey: Sendable {
    private let key: OpenSSLKey
    /// SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    public let pem: String

    /// Accepts PEM (SubjectPublicKeyInfo or PKCS#1) or a bare base64 body without armour.
    public convenience init(pem: String) throws {
        try self.init(key: OpenSSLKey(encoded: pem, isPrivate: false))
    }

    fileprivate init(key: OpenSSLKey) throws(AppError) {
        guard key.type == CCRYPTO_KEY_RSA, key.bits >= 2048 else { throw CryptoErrors.keyWrongType }
        self.key = key
        self.pem = try key.publicPEM()
    }

    public func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        message.withUnsafeBufferPointer { m in
            signature.withUnsafeBufferPointer { s in
                ccrypto_rsa_sha256_verify(key.handle, m.baseAddress, m.count, s.baseAddress, s.count) == 1
            }
        }
    }
}
