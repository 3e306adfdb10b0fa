import Foundation
import HuiminCore
import Hummingbird
import Logging

/// Alipay's gateway (`POST /gateway.do`), dispatching by `method`: `alipay.system.oauth.token`
/// here, the trade APIs and the bill in `FakeAlipayPay`; plus `POST /sandbox/alipay/codes` to mint
/// auth codes (the stand-in for `my.getAuthCode`) and the trade control routes.
/// Requests must carry a valid RSA2 signature by the app key (sign_type included in the signed
/// content); answers are signed with the platform key over the exact text of the response node,
/// as Alipay does. Errors of the trade APIs travel in the method's own response node.
struct FakeAlipay: Sendable {
    static let tokenMethod = "alipay.system.oauth.token"
    static let tokenNode = "alipay_system_oauth_token_response"

    let settings: SandboxSettings
    let clock: any HuiminClock
    let faults: FaultPlan
    let codes: LoginCodes
    let logger: Logger
    let pay: FakeAlipayPay
    let messages: FakeAlipayMessages

    init(settings: SandboxSettings, clock: any HuiminClock, faults: FaultPlan, logger: Logger) {
        self.settings = settings
        self.clock = clock
        self.faults = faults
        self.codes = LoginCodes(ttl: settings.loginCodeTTL)
        self.logger = logger
        pay = FakeAlipayPay(settings: settings, clock: clock, logger: logger)
        messages = FakeAlipayMessages(settings: settings, clock: clock, faults: faults)
    }

    struct CodeRequest: Decodable {
        let userId: String?
    }

    struct CodeReply: Encodable {
        let code: String
        let userId: String
    }

    struct Token: Encodable {
        let access_token: String
        let alipay_user_id: String
        let auth_start: String
        let expires_in: Int
        let re_expires_in: Int
        let refresh_token: String
        let user_id: String
    }

    struct ErrorNode: Encodable {
        let code: String
        let msg: String
        let sub_code: String
        let sub_msg: String
    }

    func register(on router: Router<BasicRequestContext>) {
        // Alipay's gateway takes GET (everything in the query, as python-alipay-sdk sends) and POST.
        router.get("/gateway.do") { request, _ in try await gateway(request) }
        router.post("/gateway.do") { request, _ in try await gateway(request) }
        router.post("/sandbox/alipay/codes") { request, _ in try await issueCode(request) }
        pay.registerControl(on: router)
        messages.registerControl(on: router)
    }

    private func issueCode(_ request: Request) async throws -> Response {
        let body = SandboxHTTP.decode(CodeRequest.self, from: try await SandboxHTTP.body(request))
        let userID = body?.userId ?? "2088" + SandboxHTTP.randomString(12, alphabet: SandboxHTTP.digits)
        let code = SandboxHTTP.randomString(32, alphabet: SandboxHTTP.alphanumerics)
        codes.issue(code: code, userID: userID, at: clock.now())
        return SandboxHTTP.json(CodeReply(code: code, userId: userID))
    }

    private func gateway(_ request: Request) async throws -> Response {
        // The SDKs put common parameters in the query and the rest in the form body; accept both.
        let pairs = SandboxHTTP.form(request.uri.query)
            + SandboxHTTP.form(String(decoding: try await SandboxHTTP.body(request), as: UTF8.self))
        if let fault = faults.take(.alipay) {
            if fault.kind == .timeout { await FaultPlan.hang(seconds: settings.faultHangSeconds) }
            let code = fault.errorCode ?? "20000"
            // A dotted code is a sub_code (isv.…/isp.…); a number is the top-level code.
            return code.contains(".")
                ? error("40004", "Business Failed", code, "sandbox fault")
                : error(code, "Service Currently Unavailable", "isp.unknow-error", "sandbox fault")
        }
        let parameters = SandboxHTTP.dictionary(pairs)
        guard parameters["app_id"] == settings.alipayAppID else {
            return error("40002", "Invalid Arguments", "isv.invalid-app-id", "无效的AppID参数")
        }
        let method = parameters["method"] ?? ""
        guard method == Self.tokenMethod || FakeAlipayPay.methods.contains(method) || method == FakeAlipayMessages.method else {
            return error("40002", "Invalid Arguments", "isv.invalid-method", "不存在的方法名")
        }
        // The token method answers protocol errors as error_response; the trade APIs in their own node.
        let errorNode = method == Self.tokenMethod ? "error_response" : Self.node(of: method)
        guard let sign = parameters["sign"], !sign.isEmpty else {
            return error("40001", "Missing Required Arguments", "isv.missing-signature", "缺少签名参数", node: errorNode)
        }
        guard parameters["sign_type"] == "RSA2" else {
            return error("40002", "Invalid Arguments", "isv.invalid-signature-type", "无效的签名类型", node: errorNode)
        }
        guard Self.signatureValid(parameters: pairs, sign: sign, key: settings.keys.appPublicKey) else {
            return error("40002", "Invalid Arguments", "isv.invalid-signature", "验签出错", node: errorNode)
        }
        if method != Self.tokenMethod {
            let answer = method == FakeAlipayMessages.method ? messages.handle(parameters)
                : await pay.handle(method: method, parameters: parameters, host: request.head.authority ?? "127.0.0.1")
            switch answer {
            case .success(let value):
                return signed(node: errorNode, value)
            case .failure(let code, let msg, let subCode, let subMsg):
                return error(code, msg, subCode, subMsg, node: errorNode)
            }
        }
        guard parameters["grant_type"] == "authorization_code" else {
            return error("40002", "Invalid Arguments", "isv.grant-type-invalid", "grant_type参数不正确")
        }
        guard let code = parameters["code"], let userID = codes.redeem(code, at: clock.now()) else {
            return error("40002", "Invalid Arguments", "isv.code-invalid", "授权码code无效")
        }
        logger.debug("alipay auth code redeemed")
        let now = clock.now()
        return signed(node: Self.tokenNode, Token(
            access_token: "authusrB" + SandboxHTTP.randomString(32, alphabet: SandboxHTTP.alphanumerics),
            alipay_user_id: userID, auth_start: Self.beijingTime(now), expires_in: 1_296_000, re_expires_in: 2_592_000,
            refresh_token: "authusrB" + SandboxHTTP.randomString(32, alphabet: SandboxHTTP.alphanumerics),
            user_id: userID))
    }

    /// Signed over every parameter except `sign` (empty ones skipped), sorted, `k=v&…`, raw values.
    static func signatureValid(parameters: [(String, String)], sign: String, key: RSA2PublicKey) -> Bool {
        let content = parameters.filter { $0.0 != "sign" && !$0.1.isEmpty }
            .sorted { $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
        guard let signature = Data(base64Encoded: sign) else { return false }
        return key.verify(signature: Array(signature), message: Array(content.utf8))
    }

    private func error(_ code: String, _ message: String, _ subCode: String, _ subMessage: String,
                       node: String = "error_response") -> Response {
        signed(node: node, ErrorNode(code: code, msg: message, sub_code: subCode, sub_msg: subMessage))
    }

    /// `alipay.trade.query` -> `alipay_trade_query_response`.
    static func node(of method: String) -> String {
        method.replacingOccurrences(of: ".", with: "_") + "_response"
    }

    /// `{"<node>":<json>,"sign":"<base64 RSA2 over exactly <json>>"}`.
    private func signed(node: String, _ value: some Encodable) -> Response {
        let nodeText = (try? SandboxHTTP.encoder.encode(value)).map(Array.init) ?? Array("{}".utf8)
        let sign = (try? settings.keys.platformPrivateKey.sign(nodeText)).map { Data($0).base64EncodedString() } ?? ""
        let body = Array("{\"\(node)\":".utf8) + nodeText + Array(",\"sign\":\"\(sign)\"}".utf8)
        return SandboxHTTP.raw(body)
    }

    static func beijingTime(_ date: Date) -> String {
        let c = BusinessCalendar.calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
