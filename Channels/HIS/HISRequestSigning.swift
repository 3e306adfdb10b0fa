import Foundation
import HuiminCore

/// How Huimin authenticates to a HIS front end (our design; there is no national standard):
///
///     X-HIS-Timestamp: unix seconds
///     X-HIS-Nonce:     random, unique per request
///     X-HIS-Signature: hex(HMAC-SHA256(secret, METHOD \n PATH \n TIMESTAMP \n NONCE \n hex(SHA256(body))))
///
/// PATH is the percent-encoded request path without the query. The receiver rejects timestamps
/// more than 5 minutes from its clock and signatures that do not match.
public enum HISRequestSigning {
    public static let timestampHeader = "X-HIS-Timestamp"
    public static let nonceHeader = "X-HIS-Nonce"
    public static let signatureHeader = "X-HIS-Signature"

    public static func signature(secret: String, method: String, path: String, timestamp: String, nonce: String,
                                 body: [UInt8]) -> String {
        RequestSignature.hex(secret: Array(secret.utf8), method: method, path: path, timestamp: timestamp, nonce: nonce,
                             body: body)
    }

    static func headers(secret: String, method: String, path: String, body: [UInt8], now: Date) -> [(String, String)] {
        let timestamp = String(Int(now.timeIntervalSince1970))
        let nonce = UUID().uuidString
        return [
            (timestampHeader, timestamp),
            (nonceHeader, nonce),
            (signatureHeader, signature(secret: secret, method: method, path: path, timestamp: timestamp, nonce: nonce,
                                        body: body)),
        ]
    }
}
