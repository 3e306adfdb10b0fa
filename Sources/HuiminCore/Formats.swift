import Crypto
import Foundation

/// ISO 8601 UTC timestamps with milliseconds, the one textual form of an instant in JSON and logs.
public enum ISO8601 {
    public static func string(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true)
            .timeSeparator(.colon).timeZone(separator: .omitted))
    }

    public static func date(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: true)
            .timeSeparator(.colon).timeZone(separator: .omitted))
    }
}

/// The request signature Huimin's integration API takes from hospital systems and gives the HIS:
/// lower-case hex HMAC-SHA256(secret, METHOD \n PATH \n TIMESTAMP \n NONCE \n hex(SHA-256(body))),
/// PATH without the query string.
public enum RequestSignature {
    public static func hex(secret: [UInt8], method: String, path: String, timestamp: String, nonce: String,
                           body: [UInt8]) -> String {
        let material = [method.uppercased(), path, timestamp, nonce, Digest.sha256Hex(body)].joined(separator: "\n")
        return Hex.encode(Digest.hmacSHA256(key: secret, message: Array(material.utf8)))
    }
}

/// Plain (unkeyed) digests and HMAC-SHA256 used for request signing, whatever the crypto profile.
public enum Digest {
    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }

    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// Compares without an early exit so timing reveals nothing about where the bytes differ.
    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
