import Foundation
import HuiminCore

/// Alipay's "RSA2" request signature: every parameter except `sign` (so `sign_type` is included),
/// empty values skipped, sorted by key, joined as `k=v&k=v` with raw (unencoded) values, then
/// SHA256withRSA and base64.
enum AlipaySignature {
    static func content(_ parameters: [(String, String)]) -> String {
        parameters
            .filter { $0.0 != "sign" && !$0.1.isEmpty }
            .sorted { $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    static func sign(_ parameters: [(String, String)], with key: RSA2PrivateKey) throws -> String {
        Data(try key.sign(Array(content(parameters).utf8))).base64EncodedString()
    }

    /// Alipay signs a response over the exact text of its response node, not a re-serialisation.
    static func verify(nodeText: [UInt8], sign: String, with key: RSA2PublicKey) -> Bool {
        guard let signature = Data(base64Encoded: sign) else { return false }
        return key.verify(signature: Array(signature), message: nodeText)
    }

    /// `yyyy-MM-dd HH:mm:ss` in Beijing time, whatever the server's zone.
    static func timestamp(_ date: Date) -> String {
        let c = BusinessCalendar.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
