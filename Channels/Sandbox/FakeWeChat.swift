import Foundation
import HuiminCore
import Hummingbird
import Logging

/// WeChat's `GET /sns/jscode2session`, plus `POST /sandbox/wechat/codes` to mint login codes
/// (the sandbox's stand-in for `wx.login` on a phone).
struct FakeWeChat: Sendable {
    let settings: SandboxSettings
    let clock: any HuiminClock
    let faults: FaultPlan
    let codes: LoginCodes
    let logger: Logger

    init(settings: SandboxSettings, clock: any HuiminClock, faults: FaultPlan, logger: Logger) {
        self.settings = settings
        self.clock = clock
        self.faults = faults
        self.codes = LoginCodes(ttl: settings.loginCodeTTL)
        self.logger = logger
    }

    struct CodeRequest: Decodable {
        let openid: String?
    }

    struct CodeReply: Encodable {
        let code: String
        let openid: String
    }

    struct SessionReply: Encodable {
        let openid: String
        let session_key: String
    }

    struct ErrorReply: Encodable {
        let errcode: Int
        let errmsg: String
    }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/sns/jscode2session") { request, _ in try await jscode2session(request) }
        router.post("/sandbox/wechat/codes") { request, _ in try await issueCode(request) }
    }

    private func issueCode(_ request: Request) async throws -> Response {
        let body = SandboxHTTP.decode(CodeRequest.self, from: try await SandboxHTTP.body(request))
        // Real openids are 28 characters starting with the app's "o…" prefix.
        let openID = body?.openid ?? "o6_bm" + SandboxHTTP.randomString(23, alphabet: SandboxHTTP.alphanumerics + "-_")
        let code = SandboxHTTP.randomString(32, alphabet: SandboxHTTP.alphanumerics)
        codes.issue(code: code, userID: openID, at: clock.now())
        return SandboxHTTP.json(CodeReply(code: code, openid: openID))
    }

    private func jscode2session(_ request: Request) async throws -> Response {
        if let fault = faults.take(.wechat) {
            if fault.kind == .timeout { await FaultPlan.hang(seconds: settings.faultHangSeconds) }
            return error(Int(fault.errorCode ?? "") ?? -1, "system error (sandbox fault)")
        }
        let query = SandboxHTTP.dictionary(SandboxHTTP.form(request.uri.query))
        guard query["appid"] == settings.wechatAppID else { return error(40013, "invalid appid") }
        guard query["secret"] == settings.wechatSecret else { return error(40125, "invalid appsecret") }
        guard query["grant_type"] == "authorization_code" else { return error(40002, "invalid grant_type") }
        guard let code = query["js_code"], !code.isEmpty else { return error(41008, "missing code") }
        guard let openID = codes.redeem(code, at: clock.now()) else { return error(40029, "invalid code") }
        logger.debug("wechat login code redeemed")
        return SandboxHTTP.json(SessionReply(openid: openID, session_key: Data((0..<16).map { _ in UInt8.random(in: 0...255) })
            .base64EncodedString()))
    }

    /// WeChat reports errors with HTTP 200 and an errcode body.
    private func error(_ code: Int, _ message: String) -> Response {
        SandboxHTTP.json(ErrorReply(errcode: code, errmsg: message))
    }
}
