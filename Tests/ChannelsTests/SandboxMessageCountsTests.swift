import Alipay
import Foundation
import HuiminCore
import Messaging
import SMS
import Testing

/// The verification routes of a broadcast test: how many messages of a template went out, to how
/// many recipients, and who got more than one; and listings that are not dumped whole.
@Suite("Sandbox message counts, duplicates and listing limits")
struct SandboxMessageCountsTests {
    static let template = "tpl_mp_appointment_booked"
    static let data = ["thing1": "惠民医院", "thing2": "心内科 王医生", "time3": "2026-11-25 09:30", "name4": "王小明"]

    @Test("WeChat: totals per template, duplicates listed with their counts, client_msg_id repeats not counted")
    func wechatCounts() async throws {
        try await SandboxHarness.run { sandbox in
            let tokens = WeChatAccessToken(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            let wechat = WeChatMessenger(settings: sandbox.channels, tokens: tokens, transport: sandbox.transport)
            for n in 0..<5 {
                _ = try await wechat.sendTemplate(openID: "o6_count\(n)", templateID: Self.template, data: Self.data)
            }
            _ = try await wechat.sendTemplate(openID: "o6_count1", templateID: Self.template, data: Self.data)
            _ = try await wechat.sendTemplate(openID: "o6_count1", templateID: Self.template, data: Self.data)
            _ = try await wechat.sendTemplate(openID: "o6_count3", templateID: Self.template, data: Self.data)
            // WeChat de-duplicates a repeated client_msg_id itself: one message, however many sends.
            for _ in 0..<2 {
                _ = try await wechat.sendTemplate(openID: "o6_count4", templateID: "sandbox-tpl-report-ready",
                                                  data: ["thing1": "血常规", "time2": "2026-11-25 10:00"], clientMsgID: "ntf_9")
            }

            let counts = try await sandbox.get("/sandbox/wechat/message-counts?templateId=\(Self.template)")
            #expect(counts["total"] as? Int == 8)
            #expect(counts["recipients"] as? Int == 5)
            #expect(counts["duplicateRecipients"] as? Int == 2)
            let duplicates = counts["duplicates"] as? [[String: Any]] ?? []
            #expect(duplicates.map { $0["openid"] as? String } == ["o6_count1", "o6_count3"])
            #expect(duplicates.map { $0["count"] as? Int } == [3, 2])

            let other = try await sandbox.get("/sandbox/wechat/message-counts?templateId=sandbox-tpl-report-ready")
            #expect(other["total"] as? Int == 1)
            #expect(other["duplicateRecipients"] as? Int == 0)
            #expect(try await sandbox.get("/sandbox/wechat/message-counts")["total"] as? Int == 9)
            #expect(try await sandbox.get("/sandbox/wechat/message-counts?templateId=unknown")["total"] as? Int == 0)

            let two = try await sandbox.get("/sandbox/wechat/messages?limit=2")["messages"] as? [[String: Any]] ?? []
            #expect(two.map { $0["openid"] as? String } == ["o6_count4", "o6_count3"])
            let mine = try await sandbox.get("/sandbox/wechat/messages?openid=o6_count1&limit=2")["messages"]
                as? [[String: Any]] ?? []
            #expect(mine.count == 2)
            let all = try await sandbox.get("/sandbox/wechat/messages?openid=o6_count1")["messages"] as? [[String: Any]] ?? []
            #expect(all.count == 3)
            #expect(try await sandbox.get("/sandbox/wechat/messages?limit=0")["error"] != nil)
        }
    }

    @Test("SMS: counts per template with duplicates by phone; the listing takes limit and defaults to 100")
    func smsCounts() async throws {
        try await SandboxHarness.run { sandbox in
            let gateway = SMSGateway(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            for n in 0..<105 {
                _ = try await gateway.send(phone: "1380000\(String(format: "%04d", n))", templateCode: "SMS_900000001",
                                           params: ["name": "王*"], outID: nil)
            }
            _ = try await gateway.send(phone: "13800000007", templateCode: "SMS_900000001", params: ["name": "王*"],
                                       outID: nil)
            let counts = try await sandbox.get("/sandbox/sms/message-counts?templateCode=SMS_900000001")
            #expect(counts["total"] as? Int == 106)
            #expect(counts["recipients"] as? Int == 105)
            #expect(counts["duplicateRecipients"] as? Int == 1)
            let duplicate = (counts["duplicates"] as? [[String: Any]])?.first
            #expect(duplicate?["phone"] as? String == "13800000007")
            #expect(duplicate?["count"] as? Int == 2)

            let listed = try await sandbox.get("/sandbox/sms/messages")["messages"] as? [[String: Any]] ?? []
            #expect(listed.count == 100)
            #expect(listed.first?["phone"] as? String == "13800000007")
            let three = try await sandbox.get("/sandbox/sms/messages?limit=3")["messages"] as? [[String: Any]] ?? []
            #expect(three.map { $0["phone"] as? String } == ["13800000007", "13800000104", "13800000103"])
        }
    }

    @Test("Alipay: counts per template with duplicates by userId; the listing takes limit")
    func alipayCounts() async throws {
        try await SandboxHarness.run { sandbox in
            let configuration = try #require(try AlipayPayConfiguration.from(settings: sandbox.channels,
                                                                             notifyURL: "http://127.0.0.1:9/notify"))
            let alipay = AlipayMessenger(client: AlipayPayClient(configuration: configuration, transport: sandbox.transport,
                                                                 clock: sandbox.clock))
            let data = ["keyword1": "王小明", "keyword2": "惠民医院 心内科", "keyword3": "2026-11-25 09:30", "keyword4": "第12号"]
            for userID in ["2088000000000101", "2088000000000102", "2088000000000101"] {
                let form = try await sandbox.post("/sandbox/alipay/forms", "{\"userId\": \"\(userID)\"}")
                try await alipay.send(userID: userID, formID: try #require(form["formId"] as? String),
                                      templateID: "tpl_ali_appointment_booked", data: data, page: nil)
            }
            let counts = try await sandbox.get("/sandbox/alipay/message-counts?templateId=tpl_ali_appointment_booked")
            #expect(counts["total"] as? Int == 3)
            #expect(counts["recipients"] as? Int == 2)
            let duplicate = (counts["duplicates"] as? [[String: Any]])?.first
            #expect(duplicate?["userId"] as? String == "2088000000000101")
            #expect(duplicate?["count"] as? Int == 2)
            let one = try await sandbox.get("/sandbox/alipay/messages?userId=2088000000000101&limit=1")["messages"]
                as? [[String: Any]] ?? []
            #expect(one.count == 1)
        }
    }

    @Test("many duplicates: all are counted, 100 are listed, the most repeated first")
    func duplicatesListCapped() async throws {
        try await SandboxHarness.run { sandbox in
            let gateway = SMSGateway(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            for round in 0..<2 {
                for n in 0..<110 {
                    _ = try await gateway.send(phone: "1390000\(String(format: "%04d", n))", templateCode: "SMS_900000001",
                                               params: ["name": "王*"], outID: nil)
                }
                if round == 0 {
                    _ = try await gateway.send(phone: "13900000050", templateCode: "SMS_900000001", params: ["name": "王*"],
                                               outID: nil)
                }
            }
            let counts = try await sandbox.get("/sandbox/sms/message-counts?templateCode=SMS_900000001")
            #expect(counts["total"] as? Int == 221)
            #expect(counts["duplicateRecipients"] as? Int == 110)
            let duplicates = counts["duplicates"] as? [[String: Any]] ?? []
            #expect(duplicates.count == 100)
            #expect(duplicates.first?["phone"] as? String == "13900000050")
            #expect(duplicates.first?["count"] as? Int == 3)
        }
    }
}
