import CCrypto

/// SM4 (GB/T 32907) in counter mode. CTR gives confidentiality only; callers add a MAC
/// (see `GMCryptoProfile.seal`). Never reuse an IV with the same key.
public enum SM4CTR {
    public static let keyLength = Int(CCRYPTO_SM4_KEY_LENGTH)
    public static let ivLength = Int(CCRYPTO_SM4_IV_LENGTH)

    /// Encrypts or decrypts: counter mode is its own inverse.
    public static func apply(to data: [UInt8], key: [UInt8], iv: [UInt8]) throws -> [UInt8] {
        guard key.count == keyLength, iv.count == ivLength else { throw CryptoErrors.keyWrongType }
        var out = [UInt8](repeating: 0, count: data.count)
        let status = data.withUnsafeBufferPointer { d in
            out.withUnsafeMutableBufferPointer { o in
                ccrypto_sm4_ctr(key, iv, d.baseAddress, d.count, o.baseAddress)
            }
        }
        guard status == CCRYPTO_OK else { throw CryptoErrors.operationFailed }
        return out
    }
}
