import Foundation
import HuiminCore
import SMS
import Testing

/// QuerySendDetails through the real client: how the dispatcher finds out, after a crash, whether
/// a message with its OutId already went out.
@Suite("SMS send details (QuerySendDetails) against the sandbox")
struct SMSSendDetailsTests {
    static let phone = "13800138123"
    static let booked = "SMS_900000010"
    static let bookedParams = ["name": "王*", "dept": "心内科", "time": "11月25日 09:30", "no": "12"]

    @Test("a send is found by its OutId: waiting for the receipt at first, then delivered or failed")
    func foundByOutID() async throws {
        try await SandboxHarness.run { sandbox in
            let gateway = SMSGateway(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            let sentAt = sandbox.clock.now()
            let bizID = try await gateway.send(phone: Self.phone, templateCode: Self.booked, params: Self.bookedParams,
                                               outID: "ntf_0001")
            try await sandbox.post("/sandbox/sms/receipts", #"{"errCode": "UNDELIV", "errMsg": "停机"}"#)
            let failedBizID = try await gateway.send(phone: Self.phone, templateCode: "SMS_900000001",
                                                     params: ["name": "王*"], outID: "ntf_0002")
            _ = try await gateway.send(phone: "13800138124", templateCode: Self.booked, params: Self.bookedParams,
                                       outID: "ntf_other")

            let waiting = try await gateway.sendDetails(phone: Self.phone, day: sentAt)
            #expect(waiting.map(\.outID) == ["ntf_0001", "ntf_0002"])
            let first = try #require(waiting.first)
            #expect(first.status == .waiting)
            #expect(first.errorCode.isEmpty)
            #expect(first.receivedAt == nil)
            #expect(first.templateCode == Self.booked)
            #expect(first.content.hasPrefix("【惠民健康】"))
            #expect(first.content.contains("心内科"))
            #expect(first.sentAt.map { abs($0.timeIntervalSince(sentAt)) < 1 } == true)

            sandbox.clock.advance(by: 2)
            let reported = try await gateway.sendDetails(phone: Self.phone, day: sentAt)
            #expect(reported.map(\.status) == [.delivered, .failed])
            #expect(reported.map(\.errorCode) == ["DELIVERED", "UNDELIV"])
            #expect(reported.first?.receivedAt != nil)

            let one = try await gateway.sendDetails(phone: Self.phone, day: sentAt, bizID: failedBizID)
            #expect(one.map(\.outID) == ["ntf_0002"])
            #expect(try await gateway.sendDetails(phone: Self.phone, day: sentAt, bizID: bizID).count == 1)
            #expect(try await gateway.sendDetails(phone: Self.phone, day: sentAt.addingTimeInterval(86_400)).isEmpty)
            #expect(try await gateway.sendDetails(phone: "13900000000", day: sentAt).isEmpty)
        }
    }

    @Test("more than a page (50) is read page by page, and a day is a Beijing calendar day")
    func paging() async throws {
        try await SandboxHarness.run { sandbox in
            // Just after midnight in Beijing, so the day boundary is near: a send of 16:00 UTC the
            // day before is 00:00 Beijing time.
            var beijing = Calendar(identifier: .gregorian)
            beijing.timeZone = BusinessCalendar.timeZone
            let midnight = try #require(beijing.date(from: DateComponents(year: 2026, month: 12, day: 8, hour: 0, minute: 0, second: 1)))
            sandbox.clock.set(midnight)
            let gateway = SMSGateway(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            // Notifications are limited to 50 a day per template and number: three templates make 120.
            let templates: [(String, [String: String])] = [
                ("SMS_900000001", ["name": "王*"]), ("SMS_900000030", ["name": "王*", "report": "血常规"]),
                ("SMS_900000011", ["name": "王*", "dept": "心内科", "time": "09:30"]),
            ]
            for n in 0..<120 {
                let (code, params) = templates[n % 3]
                _ = try await gateway.send(phone: Self.phone, templateCode: code, params: params, outID: "ntf_\(n)")
            }
            sandbox.clock.set(midnight.addingTimeInterval(-2))  // 23:59:59 the day before
            _ = try await gateway.send(phone: Self.phone, templateCode: "SMS_900000001", params: ["name": "王*"],
                                       outID: "ntf_yesterday")

            let details = try await gateway.sendDetails(phone: Self.phone, day: midnight.addingTimeInterval(3600))
            #expect(details.count == 120)
            #expect(details.map(\.outID) == (0..<120).map { "ntf_\($0)" })
            let yesterday = try await gateway.sendDetails(phone: Self.phone, day: midnight.addingTimeInterval(-3600))
            #expect(yesterday.map(\.outID) == ["ntf_yesterday"])
        }
    }

    @Test("a query signed with the wrong secret is refused (SignatureDoesNotMatch)")
    func badSignature() async throws {
        try await SandboxHarness.run { sandbox in
            var channels = sandbox.channels
            channels.smsAccessKeySecret = "wrong-secret"
            let gateway = SMSGateway(settings: channels, transport: sandbox.transport, clock: sandbox.clock)
            let error = await smsSendError { try await gateway.sendDetails(phone: Self.phone, day: sandbox.clock.now()) }
            #expect(error?.vendorCode == "SignatureDoesNotMatch")
        }
    }
}
