import CCrypto
import Foundation

/// The one Swift owner of a parsed OpenSSL key. Keys are parsed once and reused, because
/// re-reading PEM on every verification would dominate the cost of checking card codes.
///
/// `@unchecked Sendable`: the handle is never mutated after init, and OpenSSL 3 allows concurrent
/// sign and verify operations on one EVP_PKEY (each operation gets its own context).
final class OpenSSLKey: @unchecked Sendable {
    let handle: OpaquePointer

    init(taking handle: OpaquePointer) {
        self.handle = handle
    }

    deinit { ccrypto_key_free(handle) }

    /// Reads PEM text, or a bare base64 body without armour (as Alipay's console hands keys out).
    convenience init(encoded text: String, isPrivate: Bool) throws(AppError) {
        let bytes: [UInt8]
        if text.contains("-----BEGIN") {
            bytes = Array(text.utf8)
        } else {
            let body = text.filter { !$0.isWhitespace }
            guard let der = Data(base64Encoded: body) else { throw CryptoErrors.keyInvalid }
            bytes = Array(der)
        }
        let decoded = bytes.withUnsafeBufferPointer { buffer in
            isPrivate ? ccrypto_key_decode_private(buffer.baseAddress, buffer.count)
                      : ccrypto_key_decode_public(buffer.baseAddress, buffer.count)
        }
        guard let decoded else { throw CryptoErrors.keyInvalid }
        self.init(taking: decoded)
    }

    static func generated(_ handle: OpaquePointer?) throws(AppError) -> OpenSSLKey {
        guard let handle else { throw CryptoErrors.operationFailed }
        return OpenSSLKey(taking: handle)
    }

    var type: ccrypto_key_type { ccrypto_key_get_type(handle) }
    var bits: Int { Int(ccrypto_key_bits(handle)) }

    /// PKCS#8 PEM.
    func privatePEM() throws(AppError) -> String {
        try Self.text { ccrypto_key_private_pem(handle, $0, $1) }
    }

    /// SubjectPublicKeyInfo PEM.
    func publicPEM() throws(AppError) -> String {
        try Self.text { ccrypto_key_public_pem(handle, $0, $1) }
    }

    private static func text(
        _ produce: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, UnsafeMutablePointer<Int>) -> Int32
    ) throws(AppError) -> String {
        var out: UnsafeMutablePointer<CChar>?
        var length = 0
        guard produce(&out, &length) == CCRYPTO_OK, let out else { throw CryptoErrors.operationFailed }
        defer { ccrypto_free(out) }
        return String(cString: out)
    }

    /// Runs a C function that allocates its output, copying the bytes out and freeing the buffer.
    static func allocatedBytes(
        _ produce: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>, UnsafeMutablePointer<Int>) -> Int32
    ) throws(AppError) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard produce(&out, &length) == CCRYPTO_OK, let out else { throw CryptoErrors.operationFailed }
        defer { ccrypto_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: length))
    }
}
