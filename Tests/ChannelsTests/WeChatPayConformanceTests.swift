import Foundation
import HuiminCore
import Testing
@testable import WeChatPay

/// The real wechatpayv3 SDK (PyPI) drives the fake WeChat Pay unchanged except for its gateway
/// attribute, and its `callback()` verifies and decrypts the notification the fake posts: the proof
/// that the fake, and so the client tested against it, speak APIv3 as WeChat Pay does.
@Suite struct WeChatPayConformanceTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("assets/sandbox/vendor-sdk-conformance.py")

    @Test func wechatpayv3TalksToTheSandbox() async throws {
        try await SandboxHarness.run { sandbox in
            let (status, text) = await PythonScript.run([Self.script.path, sandbox.baseURL,
                                                    sandbox.settings.keys.wechatPay.directory.path, "wechatpayv3"])
            #expect(status == 0, "\(text)")
            let line = text.split(separator: "\n").last.map(String.init) ?? ""
            let all = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            let r = try #require(all["wechatpayv3"] as? [String: Any], "\(text)")
            #expect(r["prepay"] as? Bool == true)
            #expect(r["query_before"] as? String == "NOTPAY")
            #expect(r["bad_trade_no"] as? String == "PARAM_ERROR")
            #expect(r["notify_status"] as? Int == 204)
            #expect(r["callback_event"] as? String == "TRANSACTION.SUCCESS")
            #expect(r["callback_state"] as? String == "SUCCESS")
            #expect(r["callback_total"] as? Int == 2500)
            #expect(r["query_after"] as? String == "SUCCESS")
            #expect(r["altered_status"] as? Int == 401)
            #expect(r["refund_status"] as? String == "SUCCESS")
            #expect(r["refund_query"] as? Int == 1000)
            #expect(r["over_refund"] as? String == "NOT_ENOUGH")
            #expect(r["refund_callback"] as? String == "SUCCESS")
            #expect(r["close_code"] as? Int == 204)
            #expect(r["bill_empty_day"] as? String == "NO_STATEMENT_EXIST")

            // The SDK's paySign for fixed inputs equals ours, byte for byte.
            let ours = try WeChatPaySigning.paySign(appID: "wx0000sandbox0001", timeStamp: "1790000000",
                                                    nonceStr: "NONCE0123456789", package: "prepay_id=wx0001",
                                                    key: sandbox.settings.keys.wechatPay.merchantPrivateKey)
            #expect(r["pay_sign_fixed"] as? String == ours)
        }
    }
}
