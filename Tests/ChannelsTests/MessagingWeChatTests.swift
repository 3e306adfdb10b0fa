import Foundation
import HuiminCore
import Messaging
import Testing

/// A sandbox with a WeChat token cache and messenger pointed at it.
private struct WeChatMessaging {
    let sandbox: SandboxHarness
    let tokens: WeChatAccessToken
    let messenger: WeChatMessenger

    static let openID = "o6_bmMESSAGE00000000000000001"
    static let reminder = "sandbox-sub-visit-reminder"
    static let booked = "sandbox-tpl-appointment-booked"
    static let reminderData = ["thing1": "心内科 王医生", "time2": "2026-11-25 09:30", "thing3": "请提前15分钟到院",
                               "character_string4": "A012"]
    static let bookedData = ["thing1": "惠民医院 心内科", "time2": "2026-11-25 09:30", "thing3": "王医生"]

    static func run(_ body: (WeChatMessaging) async throws -> Void) async throws {
        try await SandboxHarness.run { sandbox in
            let tokens = WeChatAccessToken(settings: sandbox.channels, transport: sandbox.transport, clock: sandbox.clock)
            try await body(WeChatMessaging(sandbox: sandbox, tokens: tokens,
                                           messenger: WeChatMessenger(settings: sandbox.channels, tokens: tokens,
                                                                      transport: sandbox.transport)))
        }
    }

    func issued() async throws -> Int {
        try await sandbox.get("/sandbox/wechat/tokens")["issued"] as? Int ?? -1
    }

    func messages(_ openID: String = WeChatMessaging.openID) async throws -> [[String: Any]] {
        try await sandbox.get("/sandbox/wechat/messages?openid=\(openID)")["messages"] as? [[String: Any]] ?? []
    }

    func subscribe(_ templateID: String = WeChatMessaging.reminder, count: Int = 1,
                   openID: String = WeChatMessaging.openID) async throws {
        try await sandbox.post("/sandbox/wechat/subscriptions",
                               "{\"openid\": \"\(openID)\", \"templateId\": \"\(templateID)\", \"count\": \(count)}")
    }

    func sendReminder() async throws -> String {
        try await messenger.sendSubscribe(openID: Self.openID, templateID: Self.reminder, data: Self.reminderData,
                                          page: "pages/appointments/detail?id=bkg_1")
    }
}

/// Runs `body` and returns the MessageSendError it threw (nil if none or another kind).
func sendError(_ body: () async throws -> some Any) async -> MessageSendError? {
    await thrown(MessageSendError.self, by: body)
}

@Suite("WeChat access token and messages against the sandbox")
struct MessagingWeChatTests {
    @Test("20 concurrent callers share one fetch; the token is refreshed once, 5 minutes before expiry")
    func tokenSingleFlight() async throws {
        try await WeChatMessaging.run { wechat in
            let first = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 { group.addTask { try await wechat.tokens.token() } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(first.count == 1)
            #expect(await wechat.tokens.fetches == 1)
            #expect(try await wechat.issued() == 1)

            wechat.sandbox.clock.advance(by: 7200 - 301)
            #expect(try await wechat.tokens.token() == first.first)
            #expect(await wechat.tokens.fetches == 1)

            wechat.sandbox.clock.advance(by: 2)
            let second = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 { group.addTask { try await wechat.tokens.token() } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(second.count == 1)
            #expect(second != first)
            #expect(await wechat.tokens.fetches == 2)
            #expect(try await wechat.issued() == 2)
        }
    }

    @Test("an expired token (42001) is refreshed and the send retried once")
    func expiredTokenRetried() async throws {
        try await WeChatMessaging.run { wechat in
            let old = try await wechat.tokens.token()
            try await wechat.sandbox.post("/sandbox/wechat/tokens", #"{"action": "expire"}"#)
            let msgid = try await wechat.messenger.sendTemplate(openID: WeChatMessaging.openID,
                                                                templateID: WeChatMessaging.booked,
                                                                data: WeChatMessaging.bookedData)
            #expect(!msgid.isEmpty)
            #expect(await wechat.tokens.fetches == 2)
            #expect(try await wechat.tokens.token() != old)
            #expect(try await wechat.messages().count == 1)
        }
    }

    @Test("a revoked token (40001) that normal mode hands back again is force-refreshed; a stale invalidate keeps the new one")
    func revokedTokenForced() async throws {
        try await WeChatMessaging.run { wechat in
            let old = try await wechat.tokens.token()
            // WeChat rejects a token it still issues in normal mode (a glitch): the cache must force a new one.
            try await wechat.sandbox.fault("wechat_messages", kind: "error", errorCode: "40001")
            _ = try await wechat.messenger.sendTemplate(openID: WeChatMessaging.openID, templateID: WeChatMessaging.booked,
                                                        data: WeChatMessaging.bookedData)
            let new = try await wechat.tokens.token()
            #expect(new != old)
            #expect(await wechat.tokens.fetches == 3)
            #expect(try await wechat.issued() == 2)

            await wechat.tokens.invalidate(old)
            #expect(try await wechat.tokens.token() == new)
            #expect(await wechat.tokens.fetches == 3)
        }
    }

    @Test("refused again with a fresh token: retry later, errcode kept, only one retry made")
    func tokenRefusedTwice() async throws {
        try await WeChatMessaging.run { wechat in
            try await wechat.sandbox.fault("wechat_messages", kind: "error", errorCode: "42001", times: 3)
            let error = await sendError {
                try await wechat.messenger.sendTemplate(openID: WeChatMessaging.openID, templateID: WeChatMessaging.booked,
                                                        data: WeChatMessaging.bookedData)
            }
            #expect(error?.action == .retry(after: 60))
            #expect(error?.errcode == 42001)
            // The third armed fault is still there: exactly two sends were made.
            _ = try await wechat.tokens.token()
            #expect(await sendError {
                try await wechat.messenger.sendTemplate(openID: WeChatMessaging.openID, templateID: WeChatMessaging.booked,
                                                        data: WeChatMessaging.bookedData)
            } == nil)
        }
    }

    @Test("template and subscribe messages land in the fake with their data; client_msg_id sends once")
    func messagesLand() async throws {
        try await WeChatMessaging.run { wechat in
            let msgid = try await wechat.messenger.sendTemplate(
                openID: WeChatMessaging.openID, templateID: WeChatMessaging.booked, data: WeChatMessaging.bookedData,
                url: "https://huimin.example/b/1", miniProgram: (appID: "wx0000sandbox0001", page: "pages/index/index"),
                clientMsgID: "msg_0001")
            let again = try await wechat.messenger.sendTemplate(
                openID: WeChatMessaging.openID, templateID: WeChatMessaging.booked, data: WeChatMessaging.bookedData,
                clientMsgID: "msg_0001")
            #expect(again == msgid)

            try await wechat.subscribe()
            let subscribeID = try await wechat.sendReminder()
            #expect(subscribeID != msgid)

            let messages = try await wechat.messages()
            #expect(messages.count == 2)
            let subscribe = try #require(messages.first)
            #expect(subscribe["kind"] as? String == "subscribe")
            #expect(subscribe["page"] as? String == "pages/appointments/detail?id=bkg_1")
            #expect((subscribe["data"] as? [String: String]) == WeChatMessaging.reminderData)
            let template = try #require(messages.last)
            #expect(template["kind"] as? String == "template")
            #expect(template["miniProgramAppId"] as? String == "wx0000sandbox0001")
            #expect(String(describing: template["msgid"] ?? "") == msgid)
        }
    }

    @Test("no subscription left (43101) and not following (43004) fall back to the next channel")
    func fallBack() async throws {
        try await WeChatMessaging.run { wechat in
            let none = await sendError { try await wechat.sendReminder() }
            #expect(none?.action == .fallBack)
            #expect(none?.errcode == 43101)

            try await wechat.subscribe()
            _ = try await wechat.sendReminder()
            #expect(await sendError { try await wechat.sendReminder() }?.action == .fallBack)

            try await wechat.sandbox.post("/sandbox/wechat/followers",
                                          "{\"openid\": \"\(WeChatMessaging.openID)\", \"following\": false}")
            let unfollowed = await sendError {
                try await wechat.messenger.sendTemplate(openID: WeChatMessaging.openID, templateID: WeChatMessaging.booked,
                                                        data: WeChatMessaging.bookedData)
            }
            #expect(unfollowed?.action == .fallBack)
            #expect(unfollowed?.errcode == 43004)
        }
    }

    @Test("subscribe data breaking WeChat's rules is a local 47003 dead letter and spends no subscription")
    func localValidation() async throws {
        try await WeChatMessaging.run { wechat in
            try await wechat.subscribe()
            var data = WeChatMessaging.reminderData
            data["thing1"] = String(repeating: "长", count: 21)
            let error = await sendError {
                try await wechat.messenger.sendSubscribe(openID: WeChatMessaging.openID, templateID: WeChatMessaging.reminder,
                                                         data: data)
            }
            #expect(error?.action == .deadLetter(reason: "data_invalid"))
            #expect(error?.errcode == 47003)
            #expect(error?.message.contains("thing1") == true)
            #expect(try await wechat.messages().isEmpty)
            // The subscription is still there for a good message.
            _ = try await wechat.sendReminder()
            #expect(try await wechat.messages().count == 1)
        }
    }

    @Test("the fake's own 47003 (a missing key) is a dead letter too")
    func remoteValidation() async throws {
        try await WeChatMessaging.run { wechat in
            let error = await sendError {
                try await wechat.messenger.sendTemplate(openID: WeChatMessaging.openID, templateID: WeChatMessaging.booked,
                                                        data: ["thing1": "惠民医院"])
            }
            #expect(error?.action == .deadLetter(reason: "data_invalid"))
            #expect(error?.errcode == 47003)
        }
    }

    @Test("quota (45009) and busy (-1) are retried later", arguments: [("45009", 3600.0), ("-1", 5.0)])
    func retried(errcode: String, after: Double) async throws {
        try await WeChatMessaging.run { wechat in
            try await wechat.subscribe()
            try await wechat.sandbox.fault("wechat_messages", kind: "error", errorCode: errcode)
            let error = await sendError { try await wechat.sendReminder() }
            #expect(error?.action == .retry(after: after))
            #expect(error?.vendorCode == errcode)
            // The fault did not spend the subscription.
            _ = try await wechat.sendReminder()
        }
    }

    @Test("a bad template (40037), openid (40003) or page (41030) is a dead letter with its reason")
    func deadLetters() async throws {
        try await WeChatMessaging.run { wechat in
            let template = await sendError {
                try await wechat.messenger.sendSubscribe(openID: WeChatMessaging.openID, templateID: "no-such-template",
                                                         data: WeChatMessaging.reminderData)
            }
            #expect(template?.action == .deadLetter(reason: "template_invalid"))
            #expect(template?.errcode == 40037)

            let openID = await sendError {
                try await wechat.messenger.sendTemplate(openID: "not-an-openid", templateID: WeChatMessaging.booked,
                                                        data: WeChatMessaging.bookedData)
            }
            #expect(openID?.action == .deadLetter(reason: "openid_invalid"))

            try await wechat.subscribe()
            let page = await sendError {
                try await wechat.messenger.sendSubscribe(openID: WeChatMessaging.openID, templateID: WeChatMessaging.reminder,
                                                         data: WeChatMessaging.reminderData, page: "pages/nowhere")
            }
            #expect(page?.action == .deadLetter(reason: "page_invalid"))
            #expect(page?.errcode == 41030)
        }
    }

    @Test("subscribe value rules by key type", arguments: [
        ("thing1", String(repeating: "字", count: 20), true), ("thing1", String(repeating: "字", count: 21), false),
        ("number2", "12.5", true), ("number2", "12a", false), ("letter3", "abc", true), ("letter3", "ab1", false),
        ("symbol4", "%$", true), ("character_string5", "A-012_x", true), ("character_string5", "中文", false),
        ("time6", "2026-11-25 09:30", true), ("date7", "2026年11月25日", true), ("date7", "明天", false),
        ("amount8", "¥25.00", true), ("amount8", "25.00元", true), ("amount8", "二十五元", false),
        ("phone_number9", "+86-138 0013 8000", true), ("car_number10", "粤B12345", true), ("car_number10", "B12345", false),
        ("name11", "欧阳娜娜", true), ("name11", "一二三四五六七八九十壹", false), ("phrase12", "待支付", true),
        ("phrase12", "pending", false), ("thing13", "", false), ("unknown14", "x", false),
    ])
    func valueRules(key: String, value: String, valid: Bool) {
        #expect((WeChatSubscribeValue.violation(in: [key: value]) == nil) == valid)
    }
}
