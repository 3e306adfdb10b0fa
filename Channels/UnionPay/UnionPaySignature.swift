import Foundation
import HuiminCore

/// ACP 5.1.0 `signMethod=01`: every field but `signature`, empty values skipped, sorted by name,
/// joined `k=v&k=v` with raw values; the lower-case hex SHA-256 of that text (UTF-8) is what is
/// signed, with SHA256withRSA (PKCS#1 v1.5); `signature` is the base64 of the result. Requests,
/// answers and notifications are all signed this way, requests by the merchant, the rest by UnionPay.
enum UnionPaySignature {
    static func content(_ fields: [(String, String)]) -> String {
        fields.filter { $0.0 != "signature" && !$0.1.isEmpty }
            .sorted { $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// What RSA signs: the hex digest's ASCII bytes, not the content itself.
    static func signedBytes(_ fields: [(String, String)]) -> [UInt8] {
        Array(Digest.sha256Hex(Array(content(fields).utf8)).utf8)
    }

    static func sign(_ fields: [(String, String)], with key: RSA2PrivateKey) throws -> String {
        Data(try key.sign(signedBytes(fields))).base64EncodedString()
    }

    /// False when there is no `signature`, it is not base64 or it does not verify.
    static func verify(_ fields: [(String, String)], with key: RSA2PublicKey) -> Bool {
        guard let text = fields.first(where: { $0.0 == "signature" })?.1, !text.isEmpty,
              let signature = Data(base64Encoded: text) else { return false }
        return key.verify(signature: Array(signature), message: signedBytes(fields))
    }
}

/// The two ways fields travel.
enum UnionPayForm {
    /// A synchronous answer: `k=v&k=v` with **raw** values (UnionPay does not URL-encode them; a
    /// value may hold `=`, `+`, `/`, line breaks, or `{…}` with `&` inside, which does not split).
    static func answer(_ text: String) -> [(String, String)] {
        var pairs: [(String, String)] = []
        var depth = 0
        var start = text.startIndex
        func take(_ end: String.Index) {
            let part = text[start..<end]
            guard !part.isEmpty else { return }
            if let eq = part.firstIndex(of: "=") {
                pairs.append((String(part[..<eq]), String(part[part.index(after: eq)...])))
            } else {
                pairs.append((String(part), ""))
            }
        }
        var i = text.startIndex
        while i < text.endIndex {
            switch text[i] {
            case "{": depth += 1
            case "}": depth = max(0, depth - 1)
            case "&" where depth == 0:
                take(i)
                start = text.index(after: i)
            default: break
            }
            i = text.index(after: i)
        }
        take(text.endIndex)
        return pairs
    }

    /// A notification body: `application/x-www-form-urlencoded` in UTF-8 (`+` is a space, `%XY` a
    /// byte). Nil when a percent escape is broken or the bytes are not UTF-8.
    static func urlEncoded(_ body: [UInt8]) -> [(String, String)]? {
        guard let text = String(validating: body, as: UTF8.self) else { return nil }
        var pairs: [(String, String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (s: Substring) in String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), !name.isEmpty, let value = parts.count > 1 ? decode(parts[1]) : "" else {
                return nil
            }
            pairs.append((name, value))
        }
        return pairs
    }
}

/// UnionPay's times are Beijing wall times without a zone: `txnTime` and `payTimeout`
/// `yyyyMMddHHmmss`, `traceTime` `MMddHHmmss`, `settleDate` `MMdd`.
public enum UnionPayTime {
    /// `yyyyMMddHHmmss` in Beijing time, whatever the server's zone.
    public static func string(_ date: Date) -> String {
        let c = BusinessCalendar.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02d%02d%02d%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// The instant of a `yyyyMMddHHmmss` Beijing time; nil when it is not one.
    public static func date(_ text: String) -> Date? {
        let u = Array(text.utf8)
        guard u.count == 14, let year = BusinessCalendar.digits(u, 0..<4), let month = BusinessCalendar.digits(u, 4..<6),
              let day = BusinessCalendar.digits(u, 6..<8) else { return nil }
        let wall = String(format: "%04d-%02d-%02d", year, month, day) + " "
            + String(decoding: u[8..<10], as: UTF8.self) + ":" + String(decoding: u[10..<12], as: UTF8.self) + ":"
            + String(decoding: u[12..<14], as: UTF8.self)
        return BusinessCalendar.instant(wallClock: Array(wall.utf8), separator: UInt8(ascii: " "))
    }

    /// True for 8 to 32 letters and digits (`orderId`).
    public static func orderIDValid(_ text: String) -> Bool {
        (8...32).contains(text.utf8.count) && text.utf8.allSatisfy { b in
            (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b)
        }
    }
}
