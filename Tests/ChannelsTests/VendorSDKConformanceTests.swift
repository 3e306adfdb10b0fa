import Foundation
import Testing

/// The vendors' own Python client libraries (wechatpy, Alibaba Cloud's core SDK for SendSms and
/// QuerySendDetails, python-alipay-sdk) work against the sandbox unchanged: the proof that it speaks their formats.
@Suite struct VendorSDKConformanceTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("assets/sandbox/vendor-sdk-conformance.py")

    @Test func vendorSDKsTalkToTheSandbox() async throws {
        try await SandboxHarness.run { sandbox in
            let (status, text) = await PythonScript.run([
                Self.script.path, sandbox.baseURL, URL(fileURLWithPath: sandbox.settings.keys.appPrivateKeyPath).deletingLastPathComponent().path,
            ])
            #expect(status == 0, "\(text)")
            let line = text.split(separator: "\n").last.map(String.init) ?? ""
            let results = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            #expect(results["wechat_openid"] as? String == "o6_conformance")
            #expect(results["wechat_reused_code"] as? Int == 40029)
            #expect(results["sms_code"] as? String == "OK")
            #expect(results["sms_details_total"] as? String == "1")
            #expect(results["sms_details_out_id"] as? String == "sdk_out_1")
            #expect(results["sms_details_template"] as? String == "SMS_100000001")
            #expect(results["sms_details_page_size_51"] as? String == "isv.INVALID_PARAMETERS")
            // The refusal quotes the server's string to sign, as Aliyun's does (the SDK splits it
            // out of the message); a CommonRequest keeps no string of its own to compare it with.
            #expect(results["sms_details_bad_signature"] as? String == "SignatureDoesNotMatch")
            #expect(results["alipay_user_id"] as? String == "2088000000000042")
        }
    }
}
