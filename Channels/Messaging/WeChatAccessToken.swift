import Foundation
import HuiminCore
import Transport

/// The account's API credential (access_token), fetched from `POST /cgi-bin/stable_token` and cached.
///
/// Why stable_token rather than `GET /cgi-bin/token`: its tokens are isolated from getAccessToken's,
/// so a colleague's script or another tool calling `cgi-bin/token` with the same AppSecret cannot
/// silently invalidate ours; in normal mode, asking again within the validity returns the same
/// token, so several Huimin instances converge on one token instead of knocking each other's out;
/// and WeChat renews it 5 minutes before expiry, keeping the old one valid until then, which is
/// the window this cache refreshes in. Force-refresh mode (limited to 20 a day, 30 s apart) is used
/// only when normal mode hands back the very token WeChat has just rejected.
///
/// One caller refreshes at a time: concurrent callers that find the token stale await the same
/// refresh. After a send is answered 40001/42001, `invalidate(_:)` drops that token so the next
/// caller refreshes; a stale invalidate (of a token already replaced) changes nothing.
public actor WeChatAccessToken {
    struct Cached {
        let token: String
        let refreshAt: Date
    }

    let api: WeChatAPI
    let appID: String
    let secret: String
    let clock: any HuiminClock
    /// How long before `expires_in` runs out the token is refreshed (WeChat renews 5 minutes ahead).
    let refreshMargin: TimeInterval

    private var cached: Cached?
    private var refreshing: Task<Cached, any Error>?
    /// The token last rejected by WeChat: a refresh that answers it again forces a new one.
    private var rejected: String?
    /// How many times a token was fetched from WeChat (both modes), for logs and tests.
    public private(set) var fetches = 0

    public init(baseURL: String, appID: String, secret: String, transport: HTTPTransport,
                clock: any HuiminClock = SystemClock(), refreshMargin: TimeInterval = 300) {
        api = WeChatAPI(baseURL: baseURL, transport: transport)
        self.appID = appID
        self.secret = secret
        self.clock = clock
        self.refreshMargin = refreshMargin
    }

    public init(settings: Configuration.ChannelSettings, transport: HTTPTransport, clock: any HuiminClock = SystemClock()) {
        self.init(baseURL: settings.wechatBaseURL, appID: settings.wechatAppID, secret: settings.wechatSecret,
                  transport: transport, clock: clock)
    }

    /// A usable token: the cached one while it is fresh, else the result of the one refresh in flight.
    /// - Throws: `MessageSendError` (`.retry`) when WeChat will not issue one.
    public func token() async throws -> String {
        if let cached, clock.now() < cached.refreshAt { return cached.token }
        if let refreshing { return try await refreshing.value.token }
        let task = Task { () throws -> Cached in
            // Runs on this actor between awaits, so the cache is set before any waiter resumes.
            defer { self.refreshing = nil }
            let fresh = try await self.fetch(avoiding: self.rejected)
            self.cached = fresh
            self.rejected = nil
            return fresh
        }
        refreshing = task
        return try await task.value.token
    }

    /// WeChat rejected `token` (40001 invalid, 42001 expired): the next caller refreshes. Ignored
    /// when the cache already holds another token, so a late report cannot drop a newer one.
    public func invalidate(_ token: String) {
        guard let cached, cached.token == token else { return }
        self.cached = nil
        rejected = token
    }

    private struct TokenReply: Decodable {
        let access_token: String?
        let expires_in: Int?
        let errcode: Int?
        let errmsg: String?
    }

    private func fetch(avoiding rejected: String?) async throws -> Cached {
        var fresh = try await fetch(force: false)
        if let rejected, fresh.token == rejected {
            fresh = try await fetch(force: true)
        }
        return fresh
    }

    private func fetch(force: Bool) async throws -> Cached {
        fetches += 1
        let body: [String: Any] = ["grant_type": "client_credential", "appid": appID, "secret": secret,
                                   "force_refresh": force]
        let reply = try await api.post("/cgi-bin/stable_token", body: body, as: TokenReply.self)
        if let errcode = reply.errcode, errcode != 0 {
            // Busy clears up quickly; a wrong appid/secret or an IP not on the whitelist needs people.
            throw MessageSendError(.retry(after: errcode == -1 ? 5 : 300), vendorCode: String(errcode),
                                   message: "WeChat issued no access token: \(reply.errmsg ?? "")")
        }
        guard let token = reply.access_token, !token.isEmpty, let lifetime = reply.expires_in, lifetime > 0 else {
            throw MessageSendError(.retry(after: 60), vendorCode: nil, message: "WeChat's token answer had no token.")
        }
        let now = clock.now()
        let seconds = TimeInterval(lifetime)
        return Cached(token: token, refreshAt: now.addingTimeInterval(max(seconds - refreshMargin, seconds / 2)))
    }
}

/// WeChat's JSON API: POSTs a JSON body and decodes the answer, which carries `errcode` with HTTP 200.
struct WeChatAPI: Sendable {
    let baseURL: String
    let transport: HTTPTransport

    init(baseURL: String, transport: HTTPTransport) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.transport = transport
    }

    /// - Throws: `MessageSendError(.retry)` when WeChat cannot be reached or answers something unreadable.
    func post<T: Decodable>(_ path: String, query: [(String, String)] = [], body: [String: Any],
                            as type: T.Type) async throws -> T {
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        let url = baseURL + path + (query.isEmpty ? "" : "?" + PercentEncoding.query(query))
        let response: OutboundResponse
        do {
            response = try await transport.send(OutboundRequest(method: "POST", url: url,
                                                                headers: [("Content-Type", "application/json")],
                                                                body: Array(data)))
        } catch let error as AppError {
            throw MessageSendError(.retry(after: 10), vendorCode: nil, message: error.message,
                                   unanswered: error.code == "channel_timeout")
        }
        guard response.status == 200, let reply = try? response.decode(T.self) else {
            throw MessageSendError(.retry(after: 30), vendorCode: nil,
                                   message: "WeChat answered HTTP \(response.status) with an unreadable body.")
        }
        return reply
    }
}
