/// The layout shared by both profiles' field ciphertexts:
/// `version (1 byte) | key ID length (1 byte) | key ID (UTF-8) | body`.
/// The header is authenticated together with the body (as GCM associated data or inside the
/// SM3-HMAC), so changing the key ID or version breaks the ciphertext.
struct SealedEnvelope {
    static let version: UInt8 = 1

    let keyID: String
    let body: ArraySlice<UInt8>
    /// Everything before the body.
    let header: [UInt8]

    static func header(keyID: String) -> [UInt8] {
        let id = Array(keyID.utf8)
        precondition(id.count <= UInt8.max, "key IDs are short")
        return [version, UInt8(id.count)] + id
    }

    init(parsing sealed: [UInt8]) throws(AppError) {
        guard sealed.count >= 2, sealed[0] == Self.version else { throw CryptoErrors.ciphertextInvalid }
        let end = 2 + Int(sealed[1])
        guard sealed.count >= end, let id = String(validating: sealed[2..<end], as: UTF8.self) else {
            throw CryptoErrors.ciphertextInvalid
        }
        keyID = id
        header = Array(sealed[..<end])
        body = sealed[end...]
    }
}
