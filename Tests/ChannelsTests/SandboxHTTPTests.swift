import Foundation
@testable import Sandbox
import Testing
import Transport

/// The byte-level form decoding and percent-encoding the fakes use on their hot paths agree with
/// what Foundation and the client side make of the same text.
@Suite("Sandbox form decoding and percent-encoding")
struct SandboxHTTPTests {
    @Test("form fields: + is a space, %XY a byte, UTF-8 is decoded, malformed text is kept as it came")
    func formDecoding() {
        let pairs = SandboxHTTP.form("SignName=%E6%83%A0%E6%B0%91%E5%81%A5%E5%BA%B7&a+b=c%2Bd+e&empty=&bare&bad=%G1&cut=%4"
                                     + "&notutf8=%FF%FE")
        #expect(pairs.map(\.0) == ["SignName", "a b", "empty", "bare", "bad", "cut", "notutf8"])
        #expect(pairs.map(\.1) == ["惠民健康", "c+d e", "", "", "%G1", "%4", "%FF%FE"])
        for sample in ["plain", "x%20y", "%7B%22code%22%3A%221%22%7D", "100%25", "a+b+%2B"] {
            let foundation = sample.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            #expect(SandboxHTTP.formDecode(Substring(sample)) == foundation)
        }
    }

    @Test("the signature check's percent-encoding matches the client's, byte for byte")
    func percentEncoding() {
        for sample in ["LTAIsandbox", "惠民健康", "{\"code\": \"123456\"}", "a b*c~d/e+f=g&h", "2026-12-07T02:41:03Z", ""] {
            #expect(SMSSignatureCheck.percentEncode(sample) == PercentEncoding.encode(sample))
        }
    }

    @Test("random IDs use only their alphabet")
    func randomStrings() {
        let id = SandboxHTTP.randomString(18, alphabet: SandboxHTTP.digits)
        #expect(id.count == 18)
        #expect(id.allSatisfy { $0.isASCII && $0.isNumber })
    }
}
