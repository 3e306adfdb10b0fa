import Foundation

/// Where a message goes out.
public enum MessageChannel: String, Codable, Sendable, CaseIterable {
    /// 公众号 template message: template ID, typed keywords (`thing1`, `time2`…), a link or mini-program page.
    case wechatTemplate = "wechat_template"
    /// Mini-program subscribe message (订阅消息): template ID, typed keywords, page.
    case wechatSubscribe = "wechat_subscribe"
    /// Alipay mini-program template message: template ID, keywords (`keyword1`…), page.
    case alipay
    /// SMS: sign name, template code and the template's parameters.
    case sms
    /// The in-app inbox: a title and a body.
    case inbox
}

/// The words for one event on one channel. `keywords` maps the vendor's keyword (or SMS
/// parameter, or `title`/`body` for the inbox) to text with `{{variable}}` placeholders;
/// `{{variable|mask}}` masks a name or phone, `{{variable|raw}}` writes the payload value unformatted.
public struct MessageTemplate: Codable, Sendable, Equatable {
    public var event: String
    public var channel: MessageChannel
    /// The vendor's template ID, or the SMS template code (`SMS_123456789`).
    public var templateId: String?
    /// The SMS sign name (签名) without brackets.
    public var signName: String?
    public var keywords: [String: String]
    /// Mini-program page (WeChat subscribe, WeChat template, Alipay), with placeholders.
    public var page: String?
    /// Web link (WeChat template only), with placeholders.
    public var url: String?
    public var enabled: Bool
    /// 1 for the first saved version; each save adds one.
    public var version: Int
    public var updatedAt: String?
    public var updatedBy: String?

    public init(event: String, channel: MessageChannel, templateId: String? = nil, signName: String? = nil,
                keywords: [String: String], page: String? = nil, url: String? = nil, enabled: Bool = true,
                version: Int = 0, updatedAt: String? = nil, updatedBy: String? = nil) {
        self.event = event
        self.channel = channel
        self.templateId = templateId
        self.signName = signName
        self.keywords = keywords
        self.page = page
        self.url = url
        self.enabled = enabled
        self.version = version
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}

/// A template rendered for one payload: what the channel adapter sends.
public struct RenderedMessage: Codable, Sendable, Equatable {
    public var event: String
    public var channel: MessageChannel
    public var templateId: String?
    public var signName: String?
    public var data: [String: String]
    public var page: String?
    public var url: String?
    /// What the resident reads (inbox and SMS), or the keyword lines in order.
    public var text: String
}
