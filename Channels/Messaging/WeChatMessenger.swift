import Foundation
import HuiminCore
import Transport

/// Sends WeChat messages: official-account template messages (`POST /cgi-bin/message/template/send`)
/// and mini-program subscribe messages (`POST /cgi-bin/message/subscribe/send`), each returning
/// WeChat's msgid. A token WeChat calls invalid or expired (40001, 40014, 42001) is dropped from
/// the cache and the send is tried once more with a fresh one. Every other failure is thrown as a
/// `MessageSendError` saying what the dispatcher must do, with the errcode kept.
public struct WeChatMessenger: Sendable {
    /// Which version of the mini-program a subscribe message opens.
    public enum MiniProgramState: String, Sendable {
        case developer, trial, formal
    }

    let api: WeChatAPI
    let tokens: WeChatAccessToken

    public init(baseURL: String, tokens: WeChatAccessToken, transport: HTTPTransport) {
        api = WeChatAPI(baseURL: baseURL, transport: transport)
        self.tokens = tokens
    }

    public init(settings: Configuration.ChannelSettings, tokens: WeChatAccessToken, transport: HTTPTransport) {
        self.init(baseURL: settings.wechatBaseURL, tokens: tokens, transport: transport)
    }

    /// A template message to a follower of the official account. With both `url` and `miniProgram`,
    /// WeChat opens the mini-program. WeChat sends one message per (openid, clientMsgID) within 10 minutes.
    public func sendTemplate(openID: String, templateID: String, data: [String: String], url: String? = nil,
                             miniProgram: (appID: String, page: String)? = nil,
                             clientMsgID: String? = nil) async throws -> String {
        var body: [String: Any] = ["touser": openID, "template_id": templateID, "data": Self.wire(data)]
        if let url { body["url"] = url }
        if let miniProgram { body["miniprogram"] = ["appid": miniProgram.appID, "pagepath": miniProgram.page] }
        if let clientMsgID { body["client_msg_id"] = clientMsgID }
        return try await send("/cgi-bin/message/template/send", body)
    }

    /// A subscribe message; it uses up one of the resident's subscriptions to `templateID`.
    /// The data is checked against WeChat's value rules first: a violation is a dead letter
    /// (`vendorCode` 47003, as WeChat would say) and nothing is sent.
    public func sendSubscribe(openID: String, templateID: String, data: [String: String], page: String? = nil,
                              state: MiniProgramState = .formal) async throws -> String {
        if let violation = WeChatSubscribeValue.violation(in: data) {
            throw MessageSendError(.deadLetter(reason: "data_invalid"), vendorCode: "47003",
                                   message: "data.\(violation.key).value \(violation.reason) (checked before sending)")
        }
        var body: [String: Any] = ["touser": openID, "template_id": templateID, "data": Self.wire(data),
                                   "miniprogram_state": state.rawValue, "lang": "zh_CN"]
        if let page { body["page"] = page }
        return try await send("/cgi-bin/message/subscribe/send", body)
    }

    static func wire(_ data: [String: String]) -> [String: Any] {
        data.mapValues { ["value": $0] }
    }

    private struct SendReply: Decodable {
        let errcode: Int?
        let errmsg: String?
        let msgid: String?

        enum CodingKeys: String, CodingKey { case errcode, errmsg, msgid }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            errcode = try c.decodeIfPresent(Int.self, forKey: .errcode)
            errmsg = try c.decodeIfPresent(String.self, forKey: .errmsg)
            // A number on the wire (template messages); tolerate text.
            msgid = (try? c.decodeIfPresent(Int64.self, forKey: .msgid)).flatMap { $0.map(String.init) }
                ?? (try? c.decodeIfPresent(String.self, forKey: .msgid)) ?? nil
        }
    }

    static let tokenErrors: Set<Int> = [40001, 40014, 42001]

    private func send(_ path: String, _ body: [String: Any]) async throws -> String {
        var attempt = 0
        while true {
            attempt += 1
            let token = try await tokens.token()
            let reply = try await api.post(path, query: [("access_token", token)], body: body, as: SendReply.self)
            let errcode = reply.errcode ?? 0
            if errcode == 0 {
                guard let msgid = reply.msgid, !msgid.isEmpty else { return "" }
                return msgid
            }
            if Self.tokenErrors.contains(errcode) {
                await tokens.invalidate(token)
                if attempt == 1 { continue }
            }
            throw Self.error(errcode: errcode, errmsg: reply.errmsg ?? "")
        }
    }

    /// WeChat's errcode as the dispatcher's action.
    public static func error(errcode: Int, errmsg: String) -> MessageSendError {
        let action: MessageSendError.Action
        switch errcode {
        case 43101, 43004:
            // No subscription left / refused, or not following the account: another channel may reach them.
            action = .fallBack
        case -1:
            action = .retry(after: 5)
        case 45009:
            // The daily API quota: it resets at midnight or when the quota is raised.
            action = .retry(after: 3600)
        case 40001, 40014, 42001:
            // Still refused with a fresh token: the next attempt refreshes again.
            action = .retry(after: 60)
        case 40037: action = .deadLetter(reason: "template_invalid")
        case 47003, 47001: action = .deadLetter(reason: "data_invalid")
        case 40003: action = .deadLetter(reason: "openid_invalid")
        case 41030: action = .deadLetter(reason: "page_invalid")
        case 45000..<46000:
            // Other frequency limits (45xxx).
            action = .retry(after: 60)
        default:
            action = .deadLetter(reason: "errcode_\(errcode)")
        }
        return MessageSendError(action, vendorCode: String(errcode), message: errmsg)
    }
}
