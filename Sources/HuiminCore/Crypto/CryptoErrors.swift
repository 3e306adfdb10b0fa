/// The errors the crypto layer raises. Keys and crypto failures are server-side faults (500);
/// sealed data that fails to open is reported as such without saying which check failed.
enum CryptoErrors {
    static let keyInvalid = AppError("crypto_key_invalid", status: 500, "A cryptographic key could not be read.")
    static let keyWrongType = AppError("crypto_key_invalid", status: 500, "A cryptographic key is not of the expected algorithm or size.")
    static let operationFailed = AppError("crypto_failure", status: 500, "A cryptographic operation failed.")
    static let ciphertextInvalid = AppError("ciphertext_invalid", status: 500, "Encrypted data is damaged or was altered.")
    static let keyUnknown = AppError("key_unknown", status: 500, "Encrypted data names a key this server does not hold.")
}
