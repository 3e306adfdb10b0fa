import Foundation
import HuiminCore
@testable import Sandbox
@testable import SMS
import Testing

@Suite("SMS gateway against the sandbox")
struct SMSGatewayTests {
    @Test("a sent message is recorded with its template, params and OutId under the returned BizId")
    func sendRecorded() async throws {
        try await SandboxHarness.run { sandbox in
            let sms = SMSGateway(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            let bizID = try await sms.send(phone: "13800138000", templateCode: "SMS_100000001", params: ["code": "246810"],
                                           outID: "chl_0001")
            #expect(!bizID.isEmpty)

            let inbox = try await sandbox.get("/sandbox/sms/messages?phone=13800138000")
            let messages = try #require(inbox["messages"] as? [[String: Any]])
            #expect(messages.count == 1)
            #expect(messages.first?["bizId"] as? String == bizID)
            #expect(messages.first?["signName"] as? String == "惠民健康")
            #expect(messages.first?["templateCode"] as? String == "SMS_100000001")
            #expect(messages.first?["params"] as? [String: String] == ["code": "246810"])
            #expect(messages.first?["outId"] as? String == "chl_0001")
        }
    }

    @Test("a second message to the same number within a minute is sms_rate_limited and not retryable")
    func perMinuteLimit() async throws {
        try await SandboxHarness.run { sandbox in
            let sms = SMSGateway(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            _ = try await sms.send(phone: "13900139000", templateCode: "SMS_100000001", params: ["code": "1"], outID: nil)
            let error = await smsSendError { try await sms.send(phone: "13900139000", templateCode: "SMS_100000001",
                                                              params: ["code": "2"], outID: nil) }
            #expect(error?.appError.code == "sms_rate_limited")
            #expect(error?.appError.status == 429)
            #expect(error?.retryable == false)
            // Another number is unaffected, and the same one is allowed again a minute later.
            _ = try await sms.send(phone: "13900139001", templateCode: "SMS_100000001", params: ["code": "3"], outID: nil)
            sandbox.clock.advance(by: 61)
            _ = try await sms.send(phone: "13900139000", templateCode: "SMS_100000001", params: ["code": "4"], outID: nil)
        }
    }

    @Test("the sixth message within an hour hits the hourly limit")
    func hourlyLimit() async throws {
        try await SandboxHarness.run { sandbox in
            let sms = SMSGateway(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            for n in 0..<5 {
                _ = try await sms.send(phone: "13700137000", templateCode: "SMS_100000001", params: ["code": "\(n)"], outID: nil)
                sandbox.clock.advance(by: 61)
            }
            let error = await smsSendError { try await sms.send(phone: "13700137000", templateCode: "SMS_100000001",
                                                              params: ["code": "6"], outID: nil) }
            #expect(error?.appError.code == "sms_rate_limited")
        }
    }

    @Test("a wrong AccessKey secret fails the gateway's signature check (SignatureDoesNotMatch)")
    func wrongSecret() async throws {
        try await SandboxHarness.run { sandbox in
            var channels = sandbox.channels
            channels.smsAccessKeySecret = "wrong-secret"
            let sms = SMSGateway(settings: channels, transport: sandbox.transport, clock: sandbox.clock)
            let error = await smsSendError { try await sms.send(phone: "13800138001", templateCode: "SMS_100000001",
                                                              params: ["code": "1"], outID: nil) }
            #expect(error?.vendorCode == "SignatureDoesNotMatch")
            #expect(error?.appError.code == "sms_failed")
            let inbox = try await sandbox.get("/sandbox/sms/messages?phone=13800138001")
            #expect((inbox["messages"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("gateway refusals map to Huimin errors and retryability", arguments: [
        ("isv.MOBILE_NUMBER_ILLEGAL", "phone_invalid", false), ("isv.TEMPLATE_MISSING_PARAMETERS", "sms_rejected", false),
        ("isv.SMS_SIGNATURE_ILLEGAL", "sms_rejected", false), ("isv.SMS_TEMPLATE_ILLEGAL", "sms_rejected", false),
        ("isv.AMOUNT_NOT_ENOUGH", "sms_rejected", true), ("isp.SYSTEM_ERROR", "sms_failed", true),
    ])
    func vendorCodes(vendorCode: String, code: String, retryable: Bool) async throws {
        try await SandboxHarness.run { sandbox in
            let sms = SMSGateway(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            try await sandbox.fault("sms", kind: "error", errorCode: vendorCode)
            let error = await smsSendError { try await sms.send(phone: "13800138002", templateCode: "SMS_100000001",
                                                              params: ["code": "1"], outID: nil) }
            #expect(error?.appError.code == code)
            #expect(error?.retryable == retryable)
        }
    }

    @Test("the sandbox itself refuses bad numbers, unknown templates and missing template params")
    func gatewayChecks() async throws {
        try await SandboxHarness.run { sandbox in
            let sms = SMSGateway(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            let badPhone = await smsSendError { try await sms.send(phone: "1380013", templateCode: "SMS_100000001",
                                                                 params: ["code": "1"], outID: nil) }
            #expect(badPhone?.vendorCode == "isv.MOBILE_NUMBER_ILLEGAL")
            #expect(badPhone?.appError.code == "phone_invalid")
            let unknownTemplate = await smsSendError { try await sms.send(phone: "13800138003", templateCode: "SMS_999",
                                                                        params: ["code": "1"], outID: nil) }
            #expect(unknownTemplate?.vendorCode == "isv.SMS_TEMPLATE_ILLEGAL")
            let missingParam = await smsSendError { try await sms.send(phone: "13800138003", templateCode: "SMS_100000001",
                                                                     params: [:], outID: nil) }
            #expect(missingParam?.vendorCode == "isv.TEMPLATE_MISSING_PARAMETERS")
            var channels = sandbox.channels
            channels.smsSignName = "未备案签名"
            let badSign = await smsSendError {
                try await SMSGateway(settings: channels, transport: sandbox.transport, clock: sandbox.clock)
                    .send(phone: "13800138003", templateCode: "SMS_100000001", params: ["code": "1"], outID: nil)
            }
            #expect(badSign?.vendorCode == "isv.SMS_SIGNATURE_ILLEGAL")
        }
    }

    @Test("a gateway timeout is retryable channel_timeout")
    func timeoutRetryable() async throws {
        try await SandboxHarness.run(timeout: 3) { sandbox in
            let sms = SMSGateway(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            try await sandbox.fault("sms", kind: "timeout")
            let error = await smsSendError { try await sms.send(phone: "13800138004", templateCode: "SMS_100000001",
                                                              params: ["code": "1"], outID: nil) }
            #expect(error?.appError.code == "channel_timeout")
            #expect(error?.retryable == true)
        }
    }

    /// Alibaba's published SendSms example (help.aliyun.com document 56189): AccessKey testId /
    /// testSecret, signature `zJDF+Lrzhj/ThnlvIToysFRq6t4=`.
    static let documentedSendSms: [(String, String)] = [
        ("AccessKeyId", "testId"), ("Action", "SendSms"), ("Format", "XML"), ("OutId", "123"),
        ("PhoneNumbers", "15300000001"), ("RegionId", "cn-hangzhou"), ("SignName", "阿里云短信测试专用"),
        ("SignatureMethod", "HMAC-SHA1"), ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
        ("SignatureVersion", "1.0"), ("TemplateCode", "SMS_71390007"), ("TemplateParam", #"{"customer":"test"}"#),
        ("Timestamp", "2017-07-12T02:42:19Z"), ("Version", "2017-05-25"),
    ]

    /// The RPC signature document's DescribeRegions example: testid / testsecret.
    static let documentedDescribeRegions: [(String, String)] = [
        ("Format", "XML"), ("AccessKeyId", "testid"), ("Action", "DescribeRegions"), ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"), ("SignatureVersion", "1.0"),
        ("Version", "2014-05-26"), ("Timestamp", "2016-02-23T12:46:24Z"),
    ]

    @Test("the adapter's signature reproduces Alibaba's documented examples")
    func adapterMatchesDocs() {
        let stringToSign = AlibabaRPCSignature.stringToSign(method: "GET", parameters: Self.documentedSendSms)
        #expect(stringToSign.hasPrefix("GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123"))
        #expect(stringToSign.contains("SignName%3D%25E9%2598%25BF%25E9%2587%258C"))
        #expect(stringToSign.hasSuffix("Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25"))
        #expect(AlibabaRPCSignature.signature(method: "GET", parameters: Self.documentedSendSms, secret: "testSecret")
            == "zJDF+Lrzhj/ThnlvIToysFRq6t4=")
        #expect(AlibabaRPCSignature.signature(method: "GET", parameters: Self.documentedDescribeRegions, secret: "testsecret")
            == "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")
    }

    @Test("the sandbox's independent check reproduces the same documented examples")
    func sandboxMatchesDocs() {
        #expect(SMSSignatureCheck.isValid(method: "GET", parameters: Self.documentedSendSms, secret: "testSecret",
                                          signature: "zJDF+Lrzhj/ThnlvIToysFRq6t4="))
        #expect(SMSSignatureCheck.expectedSignature(method: "GET", parameters: Self.documentedDescribeRegions,
                                                    secret: "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")
        #expect(!SMSSignatureCheck.isValid(method: "GET", parameters: Self.documentedSendSms, secret: "testsecret",
                                           signature: "zJDF+Lrzhj/ThnlvIToysFRq6t4="))
    }
}
