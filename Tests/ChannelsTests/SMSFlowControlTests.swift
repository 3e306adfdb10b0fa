import Foundation
import HuiminCore
import SMS
import Testing

/// Aliyun's default flow control by template type: verification codes 1/minute, 5/hour, 10/day
/// per signature and number; notifications 50/day per signature, template and number, with no
/// minute or hour limit (a booking and its reminder may follow each other at once).
@Suite("SMS flow control per template type")
struct SMSFlowControlTests {
    static let phone = "13600136000"

    @Test("notifications: 50 a day to a number per template, back to back; the 51st is refused until a day has passed")
    func notifications() async throws {
        try await SandboxHarness.run { sandbox in
            let sms = SMSGateway(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            for _ in 0..<50 {
                _ = try await sms.send(phone: Self.phone, templateCode: "SMS_900000001", params: ["name": "王*"], outID: nil)
            }
            let error = await smsSendError {
                try await sms.send(phone: Self.phone, templateCode: "SMS_900000001", params: ["name": "王*"], outID: nil)
            }
            #expect(error?.appError.code == "sms_rate_limited")
            #expect(error?.vendorCode == "isv.BUSINESS_LIMIT_CONTROL")
            // Another template to the same number has its own 50, and so do verification codes.
            _ = try await sms.send(phone: Self.phone, templateCode: "SMS_900000030", params: ["name": "王*", "report": "血常规"],
                                   outID: nil)
            _ = try await sms.send(phone: Self.phone, templateCode: "SMS_100000001", params: ["code": "1"], outID: nil)
            sandbox.clock.advance(by: 86_400)
            _ = try await sms.send(phone: Self.phone, templateCode: "SMS_900000001", params: ["name": "王*"], outID: nil)
        }
    }

    @Test("verification codes: the eleventh in a day is refused even an hour apart each")
    func verificationDaily() async throws {
        try await SandboxHarness.run { sandbox in
            let sms = SMSGateway(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            for n in 0..<10 {
                _ = try await sms.send(phone: Self.phone, templateCode: "SMS_100000001", params: ["code": "\(n)"], outID: nil)
                sandbox.clock.advance(by: 3601)
            }
            let error = await smsSendError {
                try await sms.send(phone: Self.phone, templateCode: "SMS_100000001", params: ["code": "x"], outID: nil)
            }
            #expect(error?.vendorCode == "isv.BUSINESS_LIMIT_CONTROL")
            // A notification to the same number is not held back by the codes.
            _ = try await sms.send(phone: Self.phone, templateCode: "SMS_900000001", params: ["name": "王*"], outID: nil)
        }
    }
}
