@testable import Alipay
import Foundation
import HuiminCore
import Testing

@Suite("Alipay mini-program login against the sandbox")
struct AlipayLoginTests {
    @Test("a signed oauth.token call returns the user, with the answer's signature verified")
    func roundTrip() async throws {
        try await SandboxHarness.run { sandbox in
            let login = try AlipayLogin(settings: sandbox.channels, transport: sandbox.transport)
            let issued = try await sandbox.post("/sandbox/alipay/codes", #"{"userId": "2088000000000042"}"#)
            let user = try await login.login(code: #require(issued["code"] as? String))
            #expect(user.userID == "2088000000000042")

            let reused = await appError { try await login.login(code: #require(issued["code"] as? String)) }
            #expect(reused?.code == "login_code_invalid")
        }
    }

    @Test("a request signed with a key other than the registered app key is rejected by the gateway")
    func wrongAppKey() async throws {
        try await SandboxHarness.run { sandbox in
            let login = AlipayLogin(gatewayURL: sandbox.channels.alipayGatewayURL, appID: sandbox.channels.alipayAppID,
                                    appPrivateKey: try RSA2PrivateKey.generate(),
                                    alipayPublicKey: sandbox.settings.keys.platformPublicKey, transport: sandbox.transport)
            let code = try #require(try await sandbox.post("/sandbox/alipay/codes")["code"] as? String)
            let error = await appError { try await login.login(code: code) }
            // isv.invalid-signature is Huimin's configuration fault, not the resident's code.
            #expect(error?.code == "channel_error")
        }
    }

    @Test("an answer that does not verify with Alipay's public key is refused")
    func forgedAnswer() async throws {
        try await SandboxHarness.run { sandbox in
            let login = AlipayLogin(gatewayURL: sandbox.channels.alipayGatewayURL, appID: sandbox.channels.alipayAppID,
                                    appPrivateKey: sandbox.settings.keys.appPrivateKey,
                                    alipayPublicKey: try RSA2PrivateKey.generate().publicKey, transport: sandbox.transport)
            let code = try #require(try await sandbox.post("/sandbox/alipay/codes")["code"] as? String)
            #expect(await appError { try await login.login(code: code) }?.code == "channel_signature_invalid")
        }
    }

    @Test("an unknown code is login_code_invalid")
    func unknownCode() async throws {
        try await SandboxHarness.run { sandbox in
            let login = try AlipayLogin(settings: sandbox.channels, transport: sandbox.transport)
            let error = await appError { try await login.login(code: "never-issued") }
            #expect(error?.code == "login_code_invalid")
            #expect(error?.status == 401)
        }
    }

    @Test("without key files configured, login is channel_not_configured")
    func notConfigured() async throws {
        var channels = Configuration(environment: [:]).channels
        channels.alipayAppPrivateKeyPath = nil
        let login = try AlipayLogin(settings: channels, transport: .init(timeout: 1))
        #expect(await appError { try await login.login(code: "x") }?.code == "channel_not_configured")
    }

    @Test("the signed content sorts keys, keeps sign_type, drops sign and empty values")
    func signContent() {
        let content = AlipaySignature.content([
            ("method", "alipay.system.oauth.token"), ("sign", "abc"), ("app_id", "2021"), ("sign_type", "RSA2"),
            ("biz_content", ""), ("timestamp", "2026-01-02 03:04:05"),
        ])
        #expect(content == "app_id=2021&method=alipay.system.oauth.token&sign_type=RSA2&timestamp=2026-01-02 03:04:05")
    }

    @Test("the response node is cut out byte for byte, braces inside strings included")
    func nodeText() {
        let body = #"{"a_response" : {"msg":"x}{\"y","n":[1,{"b":2}]} , "sign":"s=="}"#
        let node = JSONMemberText.value(of: "a_response", in: Array(body.utf8))
        #expect(node.map { String(decoding: $0, as: UTF8.self) } == #"{"msg":"x}{\"y","n":[1,{"b":2}]}"#)
        #expect(JSONMemberText.value(of: "missing", in: Array(body.utf8)) == nil)
    }

    @Test("timestamps are Beijing time whatever the server's zone")
    func beijingTimestamp() {
        // 2026-01-01T16:30:00Z is 2026-01-02 00:30:00 in Beijing.
        #expect(AlipaySignature.timestamp(Date(timeIntervalSince1970: 1_767_285_000)) == "2026-01-02 00:30:00")
    }
}
