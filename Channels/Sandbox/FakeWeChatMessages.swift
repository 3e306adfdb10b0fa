import Foundation
import HuiminCore
import Hummingbird
import Logging
import Messaging

/// WeChat's messaging APIs: `POST /cgi-bin/stable_token` (the access token),
/// `POST /cgi-bin/message/template/send` (official-account template messages) and
/// `POST /cgi-bin/message/subscribe/send` (mini-program subscribe messages), answering with WeChat's
/// errcodes: 41001/40001/42001 for a missing, unknown or revoked, expired token; 40003 openid;
/// 40037 template; 47001 body; 47003 data (missing keys, values against the key type's rule);
/// 41030 page; 43004 not a follower; 43101 no subscription left. Each subscribe send uses up one
/// subscription for (openid, template).
///
/// Control routes: `POST /sandbox/wechat/subscriptions {openid, templateId, count}` (the resident
/// accepting `wx.requestSubscribeMessage` `count` times), `POST /sandbox/wechat/followers
/// {openid, following}`, `POST /sandbox/wechat/tokens {action: revoke|expire}`,
/// `GET /sandbox/wechat/tokens` (how many were issued), `GET /sandbox/wechat/messages?openid=&limit=`
/// (newest first, 100 unless `limit` says), `GET /sandbox/wechat/message-counts?templateId=`
/// (`{total, recipients, duplicates: [{openid, count}], duplicateRecipients}`, at most 100
/// duplicates listed: did every recipient of a broadcast get exactly one?). Faults of service `wechat_messages` force an errcode on the next N sends.
struct FakeWeChatMessages: Sendable {
    let settings: SandboxSettings
    let clock: any HuiminClock
    let faults: FaultPlan
    let logger: Logger
    let store = FakeWeChatMessagesStore()
    let eventPlan = FakeWeChatEvents.Plan()

    var events: FakeWeChatEvents {
        FakeWeChatEvents(settings: settings.messaging, clock: clock, plan: eventPlan, logger: logger)
    }

    var messaging: MessagingSandboxSettings { settings.messaging }

    struct TokenReply: Encodable {
        let access_token: String
        let expires_in: Int
    }

    struct SendReply: Encodable {
        let errcode = 0
        let errmsg = "ok"
        let msgid: Int64
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/cgi-bin/stable_token") { request, _ in try await stableToken(request) }
        router.post("/cgi-bin/message/template/send") { request, _ in try await send(request, subscribe: false) }
        router.post("/cgi-bin/message/subscribe/send") { request, _ in try await send(request, subscribe: true) }
        registerControl(on: router)
        FakeWeChatEvents.registerControl(plan: eventPlan, on: router)
    }

    private func stableToken(_ request: Request) async throws -> Response {
        let body = try? JSONSerialization.jsonObject(with: Data(try await SandboxHTTP.body(request))) as? [String: Any]
        guard let body else { return error(47001, "data format error") }
        guard body["grant_type"] as? String == "client_credential" else { return error(40002, "invalid grant_type") }
        guard body["appid"] as? String == settings.wechatAppID else { return error(40013, "invalid appid") }
        guard body["secret"] as? String == settings.wechatSecret else { return error(40125, "invalid appsecret") }
        let (token, expiresIn) = store.stableToken(force: body["force_refresh"] as? Bool ?? false, now: clock.now(),
                                                   ttl: messaging.wechatTokenTTL,
                                                   renewWindow: messaging.wechatTokenRenewWindow)
        return SandboxHTTP.json(TokenReply(access_token: token, expires_in: expiresIn))
    }

    private func send(_ request: Request, subscribe: Bool) async throws -> Response {
        let now = clock.now()
        switch store.check(token: SandboxHTTP.dictionary(SandboxHTTP.form(request.uri.query))["access_token"], now: now) {
        case .missing: return error(41001, "access_token missing")
        case .invalid: return error(40001, "invalid credential, access_token is invalid or not latest")
        case .expired: return error(42001, "access_token expired")
        case .valid: break
        }
        if let fault = faults.take(.wechatMessages) {
            if fault.kind == .timeout { await FaultPlan.hang(seconds: settings.faultHangSeconds) }
            return error(Int(fault.errorCode ?? "") ?? -1, "sandbox fault")
        }
        guard let body = try? JSONSerialization.jsonObject(with: Data(try await SandboxHTTP.body(request))) as? [String: Any]
        else { return error(47001, "data format error") }
        guard let openID = body["touser"] as? String, Self.openIDValid(openID) else { return error(40003, "invalid openid") }
        let templates = subscribe ? messaging.wechatSubscribeTemplates : messaging.wechatTemplates
        guard let templateID = body["template_id"] as? String, let keys = templates[templateID] else {
            return error(40037, "invalid template_id")
        }
        guard let data = Self.values(body["data"]) else { return error(47001, "data format error") }
        if let key = keys.first(where: { (data[$0] ?? "").isEmpty }) {
            return error(47003, "argument invalid! data.\(key).value is empty")
        }
        if subscribe {
            if let key = keys.first(where: { WeChatSubscribeValue.violation(type: WeChatSubscribeValue.type(ofKey: $0),
                                                                             value: data[$0] ?? "") != nil }) {
                return error(47003, "argument invalid! data.\(key).value invalid")
            }
            return subscribeSend(body, openID: openID, templateID: templateID, data: data, now: now)
        }
        guard store.follows(openID) else { return error(43004, "require subscribe") }
        let miniProgram = body["miniprogram"] as? [String: Any]
        let clientMsgID = body["client_msg_id"] as? String
        let accepted = store.acceptTemplate(clientMsgID: clientMsgID, openID: openID, now: now) { msgid in
            .init(msgid: msgid, kind: "template", openid: openID, templateId: templateID, data: data,
                  url: body["url"] as? String, page: miniProgram?["pagepath"] as? String,
                  miniProgramAppId: miniProgram?["appid"] as? String, miniProgramState: nil, clientMsgId: clientMsgID,
                  receivedAt: ISO8601.string(now))
        }
        if accepted.new { events.delivered(msgid: accepted.msgid, openID: openID) }
        return SandboxHTTP.json(SendReply(msgid: accepted.msgid))
    }

    private func subscribeSend(_ body: [String: Any], openID: String, templateID: String, data: [String: String],
                               now: Date) -> Response {
        let page = body["page"] as? String
        if let page, !page.isEmpty {
            let path = page.split(separator: "?", maxSplits: 1).first.map { String($0.drop(while: { $0 == "/" })) } ?? ""
            guard messaging.miniProgramPages.contains(path) else { return error(41030, "invalid page") }
        }
        let state = body["miniprogram_state"] as? String ?? "formal"
        guard ["developer", "trial", "formal"].contains(state) else { return error(47003, "invalid miniprogram_state") }
        let accepted = store.acceptSubscribe { msgid in
            .init(msgid: msgid, kind: "subscribe", openid: openID, templateId: templateID, data: data, url: nil,
                  page: page, miniProgramAppId: nil, miniProgramState: state, clientMsgId: nil,
                  receivedAt: ISO8601.string(now))
        }
        guard let msgid = accepted else { return error(43101, "user refuse to accept the msg") }
        logger.debug("wechat subscribe message accepted", metadata: ["template": "\(templateID)"])
        return SandboxHTTP.json(SendReply(msgid: msgid))
    }

    /// Real openids are 28 characters starting with `o`; the sandbox takes any `o…` id of letters,
    /// digits, `-` and `_`.
    static func openIDValid(_ openID: String) -> Bool {
        openID.hasPrefix("o") && (6...64).contains(openID.count)
            && openID.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// `{key: {value: text}}` -> `[key: text]`; nil when not of that shape.
    static func values(_ raw: Any?) -> [String: String]? {
        guard let object = raw as? [String: Any] else { return nil }
        var values: [String: String] = [:]
        for (key, entry) in object {
            guard let value = (entry as? [String: Any])?["value"] as? String else { return nil }
            values[key] = value
        }
        return values
    }

    func error(_ code: Int, _ message: String) -> Response {
        SandboxHTTP.json(FakeWeChat.ErrorReply(errcode: code, errmsg: message))
    }
}
