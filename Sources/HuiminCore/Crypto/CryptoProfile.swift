/// The platform's cryptography behind one small interface, so a deployment chooses national
/// (商用密码, `gm`: SM2/SM3/SM4 through OpenSSL's libcrypto) or international (`intl`: Ed25519,
/// AES-GCM, HMAC-SHA256 through swift-crypto) algorithms with `HUIMIN_CRYPTO`.
/// Every key has an ID so keys can rotate: new material is used for new signatures and
/// ciphertexts, older keys stay to verify and decrypt what they produced.
public protocol CryptoProfile: Sendable {
    /// `gm` or `intl`.
    var name: String { get }

    /// The profile's keys, for listing and rotation by administrators.
    var keyRing: KeyRing { get }

    /// Signs a card QR payload with the active signing key (SM2 with SM3 and signer ID
    /// `1234567812345678`, or Ed25519).
    func signCode(_ message: [UInt8]) throws -> SignedBytes
    /// The key ID `signCode` signs with now (QR payloads carry it inside the signed bytes).
    var activeSigningKeyID: String { get }
    /// False for an unknown key ID as well as for a bad signature.
    func verifyCode(_ message: [UInt8], signature: [UInt8], keyID: String) -> Bool
    /// The public verification keys, published so terminals can verify offline.
    var publishedKeys: [PublishedKey] { get }

    /// Field encryption at rest (SM4-CTR with an SM3-HMAC over the ciphertext, or AES-GCM).
    /// The output starts with the key ID so older keys still open it after rotation.
    func seal(_ plaintext: [UInt8]) throws -> [UInt8]
    func open(_ sealed: [UInt8]) throws -> [UInt8]

    /// A keyed, deterministic index of a normalised value (SM3-HMAC or HMAC-SHA256, hex) so equal
    /// ID numbers or phones can be found without decrypting.
    func blindIndex(_ normalized: String) -> String

    /// MAC for session tokens (SM3-HMAC or HMAC-SHA256).
    func tokenMAC(_ message: [UInt8]) -> [UInt8]
}

public struct SignedBytes: Sendable {
    public let keyID: String
    public let signature: [UInt8]
    public init(keyID: String, signature: [UInt8]) {
        self.keyID = keyID
        self.signature = signature
    }
}

public struct PublishedKey: Codable, Sendable, Equatable {
    public let keyID: String
    /// `SM2-SM3` or `Ed25519`.
    public let algorithm: String
    /// PEM SubjectPublicKeyInfo.
    public let publicKeyPEM: String
    /// SM2 signer distinguishing ID (`1234567812345678`); nil for Ed25519.
    public let signerID: String?
    public let active: Bool
    public init(keyID: String, algorithm: String, publicKeyPEM: String, signerID: String?, active: Bool) {
        self.keyID = keyID
        self.algorithm = algorithm
        self.publicKeyPEM = publicKeyPEM
        self.signerID = signerID
        self.active = active
    }
}
