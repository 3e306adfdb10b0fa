import Crypto
import Foundation
import HuiminCore

/// The gateway side of Alibaba Cloud's RPC signature v1.0, written from the vendor's description
/// rather than shared with the SMS adapter, so a mistake in one is caught by the other:
/// `base64(HMAC-SHA1(secret + "&", "GET&%2F&" + percentEncode(sorted, encoded k=v&…)))`.
enum SMSSignatureCheck {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Every UTF-8 byte but `A–Z a–z 0–9 - _ . ~` as `%XY` (upper-case hex). Done on the bytes:
    /// Foundation's addingPercentEncoding made this check the costliest step of a send.
    static func percentEncode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// What is signed; a refusal quotes it ("server string to sign is:…"), and Alibaba's SDKs compare
    /// it with their own to tell a wrong secret from a mangled request.
    static func stringToSign(method: String, parameters: [(String, String)]) -> String {
        let canonical = parameters.filter { $0.0 != "Signature" }
            .sorted { $0.0 < $1.0 }
            .map { percentEncode($0.0) + "=" + percentEncode($0.1) }
            .joined(separator: "&")
        return method + "&" + percentEncode("/") + "&" + percentEncode(canonical)
    }

    static func expectedSignature(method: String, parameters: [(String, String)], secret: String) -> String {
        let stringToSign = stringToSign(method: method, parameters: parameters)
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Array(stringToSign.utf8),
                                                         using: SymmetricKey(data: Array((secret + "&").utf8)))
        return Data(mac).base64EncodedString()
    }

    static func isValid(method: String, parameters: [(String, String)], secret: String, signature: String) -> Bool {
        let expected = expectedSignature(method: method, parameters: parameters, secret: secret)
        return Digest.constantTimeEqual(Array(expected.utf8), Array(signature.utf8))
    }
}
