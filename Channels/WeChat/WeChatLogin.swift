import Foundation
import HuiminCore
import Transport

/// Mini-program login (小程序登录): exchanges the one-time `wx.login` code for the user's openid via
/// `GET /sns/jscode2session`.
public struct WeChatLogin: Sendable {
    let baseURL: String
    let appID: String
    let secret: String
    let transport: HTTPTransport

    public init(settings: Configuration.ChannelSettings, transport: HTTPTransport) {
        self.init(baseURL: settings.wechatBaseURL, appID: settings.wechatAppID, secret: settings.wechatSecret,
                  transport: transport)
    }

    public init(baseURL: String, appID: String, secret: String, transport: HTTPTransport) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.appID = appID
        self.secret = secret
        self.transport = transport
    }

    /// Only the fields Huimin uses; `session_key` is not decoded so it never enters memory we keep.
    private struct Reply: Decodable {
        let openid: String?
        let unionid: String?
        let errcode: Int?
    }

    public func login(code: String) async throws -> WeChatSession {
        let query = PercentEncoding.query([
            ("appid", appID), ("secret", secret), ("js_code", code), ("grant_type", "authorization_code"),
        ])
        let response = try await transport.send(OutboundRequest(method: "GET", url: "\(baseURL)/sns/jscode2session?\(query)"))
        // WeChat answers errors with HTTP 200 and an errcode, so the body decides, not the status.
        guard response.status == 200 else {
            throw AppError.upstream("channel_error", "WeChat answered with HTTP \(response.status).")
        }
        let reply = try response.decode(Reply.self)
        if let errcode = reply.errcode, errcode != 0 {
            throw WeChatErrors.error(errcode: errcode)
        }
        guard let openID = reply.openid, !openID.isEmpty else {
            throw AppError.upstream("channel_bad_response", "WeChat's login answer had no openid.")
        }
        return WeChatSession(openID: openID, unionID: reply.unionid)
    }
}
