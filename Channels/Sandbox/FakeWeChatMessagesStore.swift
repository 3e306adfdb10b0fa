import Foundation
import Synchronization

/// The fake WeChat's messaging state: issued access tokens, subscriptions per (openid, template),
/// who no longer follows the official account, and every message accepted.
final class FakeWeChatMessagesStore: Sendable {
    struct Token {
        var expiresAt: Date
        var revoked: Bool
    }

    struct Message: Encodable, Sendable {
        let msgid: Int64
        /// `template` (official account) or `subscribe` (mini-program).
        let kind: String
        let openid: String
        let templateId: String
        let data: [String: String]
        let url: String?
        let page: String?
        let miniProgramAppId: String?
        let miniProgramState: String?
        let clientMsgId: String?
        let receivedAt: String
    }

    enum TokenCheck {
        case valid, missing, invalid, expired
    }

    private struct State {
        var tokens: [String: Token] = [:]
        var current: String?
        var issued = 0
        var subscriptions: [String: Int] = [:]
        var unfollowed: Set<String> = []
        var messages: [Message] = []
        /// Indexes into `messages`, and per-recipient counts per template, so that listings and
        /// counts stay cheap with 100,000+ messages stored.
        var byOpenID: [String: [Int]] = [:]
        var tallies = TemplateTallies()
        var nextMsgID: Int64 = 3_147_483_000
        /// (openid|client_msg_id) -> the msgid and when it was sent.
        var clientMsgIDs: [String: (Int64, Date)] = [:]

        /// Stores an accepted message (made with `nextMsgID`), with its indexes and counts.
        mutating func record(_ message: Message) {
            nextMsgID += 1
            byOpenID[message.openid, default: []].append(messages.count)
            tallies.add(template: message.templateId, recipient: message.openid)
            messages.append(message)
        }
    }

    private let state = Mutex(State())

    // MARK: Tokens

    /// stable_token: in normal mode the current token while it has more than `renewWindow` left,
    /// else a new one (older ones stay valid until they expire); force mode revokes every older token.
    func stableToken(force: Bool, now: Date, ttl: TimeInterval, renewWindow: TimeInterval) -> (String, Int) {
        state.withLock { s in
            if force {
                for key in s.tokens.keys { s.tokens[key]?.revoked = true }
            } else if let current = s.current, let token = s.tokens[current], !token.revoked,
                      token.expiresAt.timeIntervalSince(now) > renewWindow {
                return (current, Int(token.expiresAt.timeIntervalSince(now).rounded(.down)))
            }
            let fresh = SandboxHTTP.randomString(3, alphabet: SandboxHTTP.digits) + "_"
                + SandboxHTTP.randomString(120, alphabet: SandboxHTTP.alphanumerics + "-_")
            s.tokens[fresh] = Token(expiresAt: now.addingTimeInterval(ttl), revoked: false)
            s.current = fresh
            s.issued += 1
            return (fresh, Int(ttl))
        }
    }

    func check(token: String?, now: Date) -> TokenCheck {
        guard let token, !token.isEmpty else { return .missing }
        return state.withLock { s in
            guard let entry = s.tokens[token], !entry.revoked else { return .invalid }
            return now < entry.expiresAt ? .valid : .expired
        }
    }

    /// Control: every token issued so far becomes revoked (40001) or expired (42001).
    func spoilTokens(revoke: Bool, now: Date) {
        state.withLock { s in
            for key in s.tokens.keys {
                if revoke { s.tokens[key]?.revoked = true } else { s.tokens[key]?.expiresAt = now }
            }
        }
    }

    var tokensIssued: Int { state.withLock { $0.issued } }

    // MARK: Subscriptions and followers

    func grant(openID: String, templateID: String, count: Int) -> Int {
        state.withLock { s in
            let key = openID + "|" + templateID
            s.subscriptions[key, default: 0] += count
            return s.subscriptions[key] ?? 0
        }
    }

    func setFollowing(_ openID: String, _ following: Bool) {
        state.withLock { s in
            if following { s.unfollowed.remove(openID) } else { s.unfollowed.insert(openID) }
        }
    }

    func follows(_ openID: String) -> Bool {
        state.withLock { !$0.unfollowed.contains(openID) }
    }

    // MARK: Messages

    /// Records a subscribe message if a subscription is left (using it up); nil when none is.
    func acceptSubscribe(_ make: (Int64) -> Message) -> Int64? {
        state.withLock { s in
            let message = make(s.nextMsgID)
            let key = message.openid + "|" + message.templateId
            guard let left = s.subscriptions[key], left > 0 else { return nil }
            s.subscriptions[key] = left - 1
            s.record(message)
            return message.msgid
        }
    }

    /// Records a template message, unless the same (openid, client_msg_id) went out within
    /// 10 minutes: then the first one's msgid and nothing new.
    /// - Returns: the msgid, and whether this send was new (a repeat within 10 minutes is not).
    func acceptTemplate(clientMsgID: String?, openID: String, now: Date, _ make: (Int64) -> Message) -> (msgid: Int64, new: Bool) {
        state.withLock { s in
            let key = clientMsgID.map { openID + "|" + $0 }
            if let key, let (msgid, at) = s.clientMsgIDs[key], now.timeIntervalSince(at) < 600 {
                return (msgid, false)
            }
            let message = make(s.nextMsgID)
            s.record(message)
            if let key { s.clientMsgIDs[key] = (message.msgid, now) }
            return (message.msgid, true)
        }
    }

    /// The newest `limit` messages, to one openid or to anyone.
    func newestFirst(openID: String?, limit: Int) -> [Message] {
        state.withLock { s in
            guard let openID else { return s.messages.suffix(limit).reversed() }
            return (s.byOpenID[openID] ?? []).suffix(limit).reversed().map { s.messages[$0] }
        }
    }

    func counts(templateID: String?, listing limit: Int) -> RecipientTally.Summary {
        state.withLock { $0.tallies.summary(template: templateID, listing: limit) }
    }
}
