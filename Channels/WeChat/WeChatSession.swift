/// Who logged in through the WeChat mini-program. The `session_key` WeChat also returns is
/// deliberately absent: Huimin never decrypts user data with it, so it is never kept anywhere.
public struct WeChatSession: Sendable, Equatable {
    public let openID: String
    /// Present only when the mini-program is bound to a WeChat Open Platform account.
    public let unionID: String?

    public init(openID: String, unionID: String?) {
        self.openID = openID
        self.unionID = unionID
    }
}
