import Foundation
import HuiminCore
import Testing

/// python-alipay-sdk (PyPI) drives the fake Alipay trade APIs unchanged except for its gateway
/// attribute, and its verify() judges the async notifications the fake posts: the proof that the
/// fake, and so the client tested against it, speak Alipay's protocol as Alipay does.
@Suite struct AlipayPayConformanceTests {
    @Test func pythonAlipaySDKTalksToTheSandbox() async throws {
        try await SandboxHarness.run { sandbox in
            let keys = URL(fileURLWithPath: sandbox.settings.keys.appPrivateKeyPath).deletingLastPathComponent().path
            let (status, text) = await PythonScript.run([
                WeChatPayConformanceTests.script.path, sandbox.baseURL, keys, "alipaypay"])
            #expect(status == 0, "\(text)")
            let line = text.split(separator: "\n").last.map(String.init) ?? ""
            let all = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let r = try #require(all["alipaypay"] as? [String: Any], "\(text)")
            #expect(r["create_code"] as? String == "10000")
            #expect(r["trade_no_length"] as? Int == 28)
            #expect(r["query_before"] as? String == "WAIT_BUYER_PAY")
            #expect(r["unknown_trade"] as? String == "ACQ.TRADE_NOT_EXIST")
            #expect(r["notify_reply"] as? String == "success")
            #expect(r["notify_verified"] as? Int == 1)
            #expect(r["notify_status"] as? String == "TRADE_SUCCESS")
            #expect(r["notify_total"] as? String == "25.00")
            #expect((r["notify_content_type"] as? String)?.hasPrefix("application/x-www-form-urlencoded") == true)
            #expect(r["query_after"] as? String == "TRADE_SUCCESS")
            #expect(r["query_receipt"] as? String == "25.00")
            #expect(r["alter_reply"] as? String == "fail")
            #expect(r["signtype_reply"] as? String == "fail")
            #expect(r["refund_fund_change"] as? String == "Y")
            #expect(r["refund_again_fund_change"] as? String == "N")
            #expect(r["partial_without_request_no"] as? String == "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")
            #expect(r["refund_query_status"] as? String == "REFUND_SUCCESS")
            #expect(r["refund_query_amount"] as? String == "10.00")
            #expect(r["refund_notify_status"] as? String == "TRADE_SUCCESS")
            #expect(r["refund_notify_fee"] as? String == "10.00")
            #expect(r["close_code"] as? String == "10000")
            #expect(r["query_closed"] as? String == "TRADE_CLOSED")
        }
    }
}
