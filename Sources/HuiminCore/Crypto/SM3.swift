import CCrypto

/// SM3 (GB/T 32905), the national hash, and HMAC over it.
public enum SM3 {
    public static func hash(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(CCRYPTO_SM3_LENGTH))
        let status = data.withUnsafeBufferPointer { ccrypto_sm3($0.baseAddress, $0.count, &out) }
        // SM3 is built into OpenSSL 3's default provider; failing here means a broken installation.
        precondition(status == CCRYPTO_OK, "libcrypto could not compute SM3")
        return out
    }

    public static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(CCRYPTO_SM3_LENGTH))
        let status = key.withUnsafeBufferPointer { k in
            message.withUnsafeBufferPointer { m in
                ccrypto_hmac(CCRYPTO_DIGEST_SM3, k.baseAddress, k.count, m.baseAddress, m.count, &out)
            }
        }
        precondition(status == CCRYPTO_OK, "libcrypto could not compute HMAC-SM3")
        return out
    }
}
