import CCrypto
import Foundation

/// Staff password storage: PBKDF2-HMAC-SHA256 in the self-describing form
/// `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>`, so the work factor can rise later
/// without invalidating stored hashes.
public enum PasswordHash {
    /// OWASP's 2021 figure for PBKDF2-HMAC-SHA256; about a quarter second here per login.
    static let iterations: UInt32 = 310_000
    /// Stored hashes weaker than this are refused rather than trusted.
    static let minimumIterations: UInt32 = 100_000
    /// Caps the work a corrupted or hostile stored value can demand.
    static let maximumIterations: UInt32 = 10_000_000
    private static let scheme = "pbkdf2-sha256"
    private static let saltLength = 16
    private static let hashLength = 32

    /// A well-formed hash of an unguessable password. Verifying against it for an unknown user
    /// takes as long as for a real one, so response time does not reveal which usernames exist.
    public static let decoy: String = make(Hex.encode(randomBytes(32)))

    public static func make(_ password: String) -> String {
        let salt = randomBytes(saltLength)
        let hash = derive(password, salt: salt, iterations: iterations, length: hashLength)!
        return [scheme, String(iterations), Data(salt).base64EncodedString(), Data(hash).base64EncodedString()]
            .joined(separator: "$")
    }

    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == scheme,
              let rounds = UInt32(parts[1]), (minimumIterations...maximumIterations).contains(rounds),
              let salt = Data(base64Encoded: String(parts[2])), salt.count >= saltLength,
              // A truncated hash must not verify by matching a prefix.
              let expected = Data(base64Encoded: String(parts[3])), expected.count == hashLength,
              let actual = derive(password, salt: Array(salt), iterations: rounds, length: hashLength) else {
            return false
        }
        return Digest.constantTimeEqual(actual, Array(expected))
    }

    private static func derive(_ password: String, salt: [UInt8], iterations: UInt32, length: Int) -> [UInt8]? {
        let secret = Array(password.utf8)
        var out = [UInt8](repeating: 0, count: length)
        let status = ccrypto_pbkdf2_sha256(secret, secret.count, salt, salt.count, iterations, &out, length)
        return status == CCRYPTO_OK ? out : nil
    }
}
