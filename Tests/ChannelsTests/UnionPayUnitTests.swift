import Foundation
import HuiminCore
import Testing
@testable import UnionPay

@Suite("UnionPay wire details")
struct UnionPayUnitTests {
    @Test("the signed content drops signature and empty values and sorts by name; the signature is over its SHA-256 hex")
    func signatureContent() async throws {
        let fields: [(String, String)] = [
            ("txnType", "01"), ("orderId", "P20260921000000AB"), ("backUrl", "https://h.example/notify?x=1&y=2"),
            ("reqReserved", ""), ("signature", "abc"), ("txnAmt", "2500"), ("accessType", "0"),
        ]
        #expect(UnionPaySignature.content(fields)
            == "accessType=0&backUrl=https://h.example/notify?x=1&y=2&orderId=P20260921000000AB&txnAmt=2500&txnType=01")
        let key = SandboxHarness.keys.unionPay.merchantPrivateKey
        let signature = try UnionPaySignature.sign(fields, with: key)
        // An independent signer: Python's hashlib for the hex digest, the openssl CLI for SHA256withRSA.
        let path = SandboxHarness.keys.unionPay.merchantPrivateKeyPath
        let script = """
        import base64, hashlib, subprocess, sys
        digest = hashlib.sha256(sys.argv[1].encode("utf-8")).hexdigest().encode("ascii")
        signed = subprocess.run(["openssl", "dgst", "-sha256", "-sign", sys.argv[2]], input=digest,
                                capture_output=True, check=True).stdout
        print(base64.b64encode(signed).decode("ascii"))
        """
        let (status, output) = await PythonScript.run(["-c", script, UnionPaySignature.content(fields), path])
        #expect(status == 0, "\(output)")
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == signature)
        var signed = fields.filter { $0.0 != "signature" }
        signed.append(("signature", signature))
        #expect(UnionPaySignature.verify(signed, with: key.publicKey))
        signed[0].1 = "04"
        #expect(!UnionPaySignature.verify(signed, with: key.publicKey))
    }

    @Test("answers are raw k=v: values keep '=', '+', '/', line breaks, and '&' inside braces")
    func rawAnswer() {
        let text = "respCode=00&signature=ab+/cd==&reserved={a=1&b=2}&signPubKeyCert=-----BEGIN\r\nX=\r\n-----END&empty="
        let pairs = UnionPayForm.answer(text)
        #expect(pairs.map(\.0) == ["respCode", "signature", "reserved", "signPubKeyCert", "empty"])
        #expect(pairs[1].1 == "ab+/cd==")
        #expect(pairs[2].1 == "{a=1&b=2}")
        #expect(pairs[3].1 == "-----BEGIN\r\nX=\r\n-----END")
        #expect(pairs[4].1 == "")
    }

    @Test("times are Beijing wall times; orderIds are 8 to 32 letters and digits; origRespCode maps to a state")
    func timesAndCodes() {
        let date = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09-21 22:13:20 Beijing
        #expect(UnionPayTime.string(date) == "20260921221320")
        #expect(UnionPayTime.date("20260921221320") == date)
        for bad in ["2026092122132", "20261321221320", "2026092122132x", "20260921241320"] {
            #expect(UnionPayTime.date(bad) == nil, "\(bad)")
        }
        #expect(UnionPayTime.orderIDValid("P2026092"))
        #expect(UnionPayTime.orderIDValid(String(repeating: "A", count: 32)))
        for bad in ["P202609", String(repeating: "A", count: 33), "P2026-0921", "P20260921_1", "订单20260921"] {
            #expect(!UnionPayTime.orderIDValid(bad), "\(bad)")
        }
        #expect(UnionPayClient.state(origRespCode: "00") == .paid)
        #expect(UnionPayClient.state(origRespCode: "05") == .paying)
        #expect(UnionPayClient.state(origRespCode: "03") == .paying)
        #expect(UnionPayClient.state(origRespCode: "01") == .failed)
        #expect(UnionPayErrors.gateway(respCode: "34", respMsg: nil).status == 404)
        #expect(UnionPayErrors.gateway(respCode: "10", respMsg: nil).status == 400)
        #expect(UnionPayErrors.gateway(respCode: "12", respMsg: nil).status == 409)
        #expect(UnionPayErrors.gateway(respCode: "05", respMsg: nil).status == 502)
        #expect(UnionPayErrors.gateway(respCode: "a&b", respMsg: nil).code == "unionpay_unknown")
        #expect(UnionPayClient.fen("000000002500") == 2500)
        #expect(UnionPayClient.fen("25.00") == nil)
        #expect(UnionPayClient.fen("-1") == nil)
    }

    @Test("fileContent inflates only from a complete zlib stream")
    func inflate() {
        #expect(UnionPayClient.inflate([0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]) == [])
        #expect(UnionPayClient.inflate([0x78, 0x9C, 0x4B, 0x4C, 0x4A]) == nil)  // truncated
        #expect(UnionPayClient.inflate(Array("PK\u{3}\u{4}".utf8)) == nil)  // a bare zip is not zlib
    }
}
