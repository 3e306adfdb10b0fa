import Alipay
import Database
import Foundation
import HuiminCore
import WeChat

/// Mini-program login: the channel's one-time code becomes the channel user ID (openid / Alipay
/// user ID), which keys the account, and Huimin issues its own expiring, revocable bearer token.
public struct AccountService: Sendable {
    let store: ResidentStore
    let tokens: SessionTokens
    let wechat: WeChatLogin
    let alipay: AlipayLogin
    let clock: any HuiminClock
    let wechatAppID: String
    let alipayAppID: String
    let sessionTTL: TimeInterval

    public init(store: ResidentStore, tokens: SessionTokens, wechat: WeChatLogin, alipay: AlipayLogin,
                clock: any HuiminClock, wechatAppID: String, alipayAppID: String, sessionTTL: TimeInterval) {
        self.store = store
        self.tokens = tokens
        self.wechat = wechat
        self.alipay = alipay
        self.clock = clock
        self.wechatAppID = wechatAppID
        self.alipayAppID = alipayAppID
        self.sessionTTL = sessionTTL
    }

    public struct AccountInfo: Codable, Sendable {
        public var id: String
        public var channel: String
        public var realNamed: Bool
    }

    public struct Login: Codable, Sendable {
        public var token: String
        public var expiresAt: String
        public var account: AccountInfo
    }

    public func loginWeChat(code: String) async throws -> Login {
        let session = try await wechat.login(code: try Self.validCode(code))
        return try await login(channel: "wechat", appID: wechatAppID, userID: session.openID)
    }

    public func loginAlipay(code: String) async throws -> Login {
        let user = try await alipay.login(code: try Self.validCode(code))
        return try await login(channel: "alipay", appID: alipayAppID, userID: user.userID)
    }

    private func login(channel: String, appID: String, userID: String) async throws -> Login {
        let now = clock.now()
        let account = try await store.loginAccount(channel: channel, appID: appID, channelUserID: userID, now: now)
        let session = SessionRow(id: TypedID.make("ses"), kind: "resident", subjectId: account.id, createdAt: now,
                                 expiresAt: now.addingTimeInterval(sessionTTL))
        try await store.createSession(session)
        return Login(token: tokens.token(sessionID: session.id, kind: "resident"),
                     expiresAt: ISO8601.string(session.expiresAt),
                     account: try await info(account))
    }

    public func info(_ account: AccountRow) async throws -> AccountInfo {
        let realNamed = try await store.members(accountID: account.id).contains { $0.member.relation == "self" }
        return AccountInfo(id: account.id, channel: account.channel, realNamed: realNamed)
    }

    /// The account behind a bearer token, or the reason it is refused.
    public func authenticate(token: String) async throws -> (account: AccountRow, sessionID: String) {
        guard let id = tokens.sessionID(from: token, kind: "resident") else { throw SessionGate.invalid }
        let found = try await store.residentSession(id: id)
        let session = try SessionGate.check(found?.session, kind: "resident", now: clock.now())
        guard let account = found?.account else {
            throw AppError.unauthorized("token_invalid", "The session's account no longer exists.")
        }
        return (account, session.id)
    }

    public func logout(sessionID: String) async throws {
        try await store.revokeSession(id: sessionID, now: clock.now())
    }

    static func validCode(_ code: String) throws(AppError) -> String {
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 128 else {
            throw .invalid("login_code_missing", "Send the code from wx.login or my.getAuthCode.")
        }
        return trimmed
    }
}

/// The checks every bearer token passes, for residents and staff alike.
enum SessionGate {
    static let invalid = AppError.unauthorized("token_invalid", "The bearer token is not valid.")

    static func open(token: String, kind: String, tokens: SessionTokens, store: ResidentStore, now: Date) async throws -> SessionRow {
        guard let id = tokens.sessionID(from: token, kind: kind) else { throw invalid }
        return try check(try await store.session(id: id), kind: kind, now: now)
    }

    static func check(_ session: SessionRow?, kind: String, now: Date) throws -> SessionRow {
        guard let session, session.kind == kind else { throw invalid }
        if session.revokedAt != nil {
            throw AppError.unauthorized("token_revoked", "This session was logged out; log in again.")
        }
        if session.expiresAt <= now {
            throw AppError.unauthorized("token_expired", "The session has expired; log in again.")
        }
        return session
    }
}
