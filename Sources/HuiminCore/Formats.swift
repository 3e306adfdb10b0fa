import Crypto
import Foundation

/// ISO 8601 UTC timestamps with milliseconds, the one textual form of an instant in JSON and logs.
public enum ISO8601 {
    /// `2026-11-30T10:00:00.000Z`. Written by hand: every response and audit entry carries a few,
    /// and Foundation's format style costs more than the rest of a booking's encoding.
    public static func string(_ date: Date) -> String {
        UTCText.format(date, separator: UInt8(ascii: "T"), zulu: true)
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

/// Dates as UTC text with millisecond precision (rounded to the nearest millisecond), by integer
/// arithmetic on the proleptic Gregorian calendar.
public enum UTCText {
    public static func format(_ date: Date, separator: UInt8, zulu: Bool) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let days = millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
        let inDay = millis - days * 86_400_000
        let (year, month, day) = BusinessCalendar.civil(fromDays: days)
        var out = [UInt8](repeating: 48, count: zulu ? 24 : 23)
        func put(_ value: Int, at end: Int, width: Int) {
            var v = value
            for i in stride(from: end, to: end - width, by: -1) { out[i] = UInt8(48 + v % 10); v /= 10 }
        }
        put(year, at: 3, width: 4); out[4] = UInt8(ascii: "-")
        put(month, at: 6, width: 2); out[7] = UInt8(ascii: "-")
        put(day, at: 9, width: 2); out[10] = separator
        put(Int(inDay / 3_600_000), at: 12, width: 2); out[13] = UInt8(ascii: ":")
        put(Int(inDay / 60_000 % 60), at: 15, width: 2); out[16] = UInt8(ascii: ":")
        put(Int(inDay / 1000 % 60), at: 18, width: 2); out[19] = UInt8(ascii: ".")
        put(Int(inDay % 1000), at: 22, width: 3)
        if zulu { out[23] = UInt8(ascii: "Z") }
        return String(decoding: out, as: UTF8.self)
    }
}
