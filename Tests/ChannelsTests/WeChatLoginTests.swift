import HuiminCore
import Testing
import WeChat

@Suite("WeChat mini-program login against the sandbox")
struct WeChatLoginTests {
    @Test("a login code yields its openid once; the second use is login_code_invalid")
    func codeWorksOnce() async throws {
        try await SandboxHarness.run { sandbox in
            let login = WeChatLogin(settings: sandbox.channels, transport: sandbox.transport)
            let issued = try await sandbox.post("/sandbox/wechat/codes", #"{"openid": "o6_bmRESIDENT0000000000000001"}"#)
            let code = try #require(issued["code"] as? String)

            let session = try await login.login(code: code)
            #expect(session.openID == "o6_bmRESIDENT0000000000000001")
            #expect(session.unionID == nil)

            let again = await appError { try await login.login(code: code) }
            #expect(again?.code == "login_code_invalid")
            #expect(again?.status == 401)
        }
    }

    @Test("a fresh openid is minted when none is asked for, and can log in again with a new code")
    func generatedOpenID() async throws {
        try await SandboxHarness.run { sandbox in
            let login = WeChatLogin(settings: sandbox.channels, transport: sandbox.transport)
            let first = try await sandbox.post("/sandbox/wechat/codes")
            let openID = try #require(first["openid"] as? String)
            #expect(openID.hasPrefix("o6_bm") && openID.count == 28)
            #expect(try await login.login(code: #require(first["code"] as? String)).openID == openID)

            let second = try await sandbox.post("/sandbox/wechat/codes", "{\"openid\": \"\(openID)\"}")
            #expect(try await login.login(code: #require(second["code"] as? String)).openID == openID)
        }
    }

    @Test("a code older than 5 minutes is login_code_invalid")
    func expiredCode() async throws {
        try await SandboxHarness.run { sandbox in
            let login = WeChatLogin(settings: sandbox.channels, transport: sandbox.transport)
            let code = try #require(try await sandbox.post("/sandbox/wechat/codes")["code"] as? String)
            sandbox.clock.advance(by: 301)
            #expect(await appError { try await login.login(code: code) }?.code == "login_code_invalid")
        }
    }

    @Test("a wrong app secret is refused as a channel error, not blamed on the resident's code")
    func wrongSecret() async throws {
        try await SandboxHarness.run { sandbox in
            var channels = sandbox.channels
            channels.wechatSecret = "not-the-secret"
            let login = WeChatLogin(settings: channels, transport: sandbox.transport)
            let code = try #require(try await sandbox.post("/sandbox/wechat/codes")["code"] as? String)
            #expect(await appError { try await login.login(code: code) }?.code == "channel_error")
        }
    }

    @Test("WeChat's errcodes map to Huimin's errors", arguments: [
        ("45011", "login_rate_limited", 429), ("40226", "login_blocked", 403), ("-1", "channel_busy", 503),
        ("40029", "login_code_invalid", 401), ("40164", "channel_error", 502),
    ])
    func errcodes(errcode: String, code: String, status: Int) async throws {
        try await SandboxHarness.run { sandbox in
            let login = WeChatLogin(settings: sandbox.channels, transport: sandbox.transport)
            try await sandbox.fault("wechat", kind: "error", errorCode: errcode)
            let error = await appError { try await login.login(code: "anything") }
            #expect(error?.code == code)
            #expect(error?.status == status)
        }
    }
}
