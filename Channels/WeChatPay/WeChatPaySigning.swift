import Foundation
import HuiminCore

/// The merchant's side of APIv3 signatures: the `Authorization` header of every request and the
/// `paySign` of `wx.requestPayment`. Both are SHA256withRSA (PKCS#1 v1.5) over lines that each end
/// in `\n`, base64-encoded.
enum WeChatPaySigning {
    static let schema = "WECHATPAY2-SHA256-RSA2048"

    /// `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`; the body is the exact bytes sent (empty for GET).
    static func requestMessage(method: String, pathAndQuery: String, timestamp: String, nonce: String,
                               body: [UInt8]) -> [UInt8] {
        Array("\(method)\n\(pathAndQuery)\n\(timestamp)\n\(nonce)\n".utf8) + body + [UInt8(ascii: "\n")]
    }

    static func authorization(mchid: String, serialNo: String, key: RSA2PrivateKey, method: String,
                              pathAndQuery: String, timestamp: String, nonce: String, body: [UInt8]) throws -> String {
        let message = requestMessage(method: method, pathAndQuery: pathAndQuery, timestamp: timestamp, nonce: nonce,
                                     body: body)
        let signature = Data(try key.sign(message)).base64EncodedString()
        return "\(schema) mchid=\"\(mchid)\",nonce_str=\"\(nonce)\",signature=\"\(signature)\","
            + "timestamp=\"\(timestamp)\",serial_no=\"\(serialNo)\""
    }

    /// `appId\ntimeStamp\nnonceStr\npackage\n`, signed with the merchant key (signType "RSA").
    static func paySign(appID: String, timeStamp: String, nonceStr: String, package: String,
                        key: RSA2PrivateKey) throws -> String {
        Data(try key.sign(Array("\(appID)\n\(timeStamp)\n\(nonceStr)\n\(package)\n".utf8))).base64EncodedString()
    }

    /// 32 characters of letters and digits.
    static func nonce() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String(randomBytes(32).map { alphabet[Int($0) % alphabet.count] })
    }

    /// Unix seconds as WeChat writes them (10 digits, never milliseconds).
    static func timestamp(_ date: Date) -> String {
        String(Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    /// The path and query of an absolute URL, exactly as they go on the request line.
    static func pathAndQuery(of url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        var target = String(rest[slash...])
        if let fragment = target.firstIndex(of: "#") { target = String(target[..<fragment]) }
        return target
    }
}
