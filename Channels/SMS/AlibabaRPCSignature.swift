import Crypto
import Foundation
import Transport

/// Alibaba Cloud's RPC signature, version 1.0 (HMAC-SHA1): sort every parameter but `Signature`
/// by key, percent-encode keys and values (RFC 3986), join as `k=v&k=v`, then sign
/// `METHOD&%2F&percentEncode(thatQuery)` with the key `secret + "&"`, base64.
enum AlibabaRPCSignature {
    static func stringToSign(method: String, parameters: [(String, String)]) -> String {
        let canonical = PercentEncoding.query(parameters.filter { $0.0 != "Signature" }.sorted { $0.0 < $1.0 })
        return "\(method)&\(PercentEncoding.encode("/"))&\(PercentEncoding.encode(canonical))"
    }

    static func signature(method: String, parameters: [(String, String)], secret: String) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Array(stringToSign(method: method, parameters: parameters).utf8),
            using: SymmetricKey(data: Array((secret + "&").utf8)))
        return Data(mac).base64EncodedString()
    }
}
