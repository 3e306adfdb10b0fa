import Foundation

/// Which push channels an account can be reached on, by how it signed in, and the order used
/// when its owner has chosen none. The inbox is not among them: every message with an inbox
/// template lands there whatever the push channels do.
public enum PushChannels {
    /// In the default order: the mini-program's own channel first, SMS last (it costs money and
    /// reaches the phone even when the app is gone).
    public static func available(accountChannel: String) -> [MessageChannel] {
        switch accountChannel {
        case "wechat": [.wechatSubscribe, .wechatTemplate, .sms]
        case "alipay": [.alipay, .sms]
        default: [.sms]
        }
    }

    public static func defaultOrder(accountChannel: String) -> [MessageChannel] { available(accountChannel: accountChannel) }

    /// The channel whose one-time consents the account's mini-program collects, if any.
    public static func consentChannel(accountChannel: String) -> MessageChannel? {
        switch accountChannel {
        case "wechat": .wechatSubscribe
        case "alipay": .alipay
        default: nil
        }
    }
}
