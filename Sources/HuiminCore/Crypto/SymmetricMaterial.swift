import Foundation

/// Symmetric key material as the key ring stores it: 32 random bytes, base64.
enum SymmetricMaterial {
    static let length = 32

    static func generate() -> String {
        Data(randomBytes(length)).base64EncodedString()
    }

    static func decode(_ material: String) throws(AppError) -> [UInt8] {
        guard let bytes = Data(base64Encoded: material), bytes.count == length else { throw CryptoErrors.keyInvalid }
        return Array(bytes)
    }
}
