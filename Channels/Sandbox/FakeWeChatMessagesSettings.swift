import Foundation

/// What the fake messaging vendors accept: WeChat's token lifetime, the templates registered with
/// WeChat and Alipay (template ID -> the data keys it needs), the mini-program's pages, and where
/// the SMS gateway posts delivery receipts.
public struct MessagingSandboxSettings: Sendable {
    /// Lifetime of the access tokens `POST /cgi-bin/stable_token` issues (WeChat: 7200 s).
    public var wechatTokenTTL: TimeInterval = 7200
    /// In normal mode, stable_token issues a new token once the current one has less than this left
    /// (WeChat renews 5 minutes ahead); the old one stays valid until it expires.
    public var wechatTokenRenewWindow: TimeInterval = 300
    /// Official-account template messages (公众号模板消息).
    public var wechatTemplates: [String: [String]] = [
        "sandbox-tpl-appointment-booked": ["thing1", "time2", "thing3"],
        "sandbox-tpl-payment-due": ["thing1", "amount2", "time3"],
        "sandbox-tpl-report-ready": ["thing1", "time2"],
    ]
    /// Mini-program subscribe messages (订阅消息); keys are typed by name (`thing1`, `amount2`, …).
    public var wechatSubscribeTemplates: [String: [String]] = [
        "sandbox-sub-visit-reminder": ["thing1", "time2", "thing3", "character_string4"],
        "sandbox-sub-payment-due": ["thing1", "amount2", "date3", "phrase4"],
        "sandbox-sub-report-ready": ["thing1", "name2", "time3"],
    ]
    /// Pages of the mini-program a subscribe message may open (anything else is 41030).
    public var miniProgramPages: Set<String> = [
        "pages/index/index", "pages/appointments/detail", "pages/payments/detail", "pages/reports/detail",
        "pages/inbox/index",
    ]
    /// Alipay mini-program template messages (user_template_id -> keys).
    public var alipayTemplates: [String: [String]] = [
        "sandbox-ali-appointment-booked": ["keyword1", "keyword2", "keyword3"],
        "sandbox-ali-payment-due": ["keyword1", "keyword2"],
    ]
    /// Where the SMS gateway pushes SmsReport delivery receipts; nil sends none.
    public var smsReceiptURL: String?
    /// The official account's server URL, where WeChat pushes events such as TEMPLATESENDJOBFINISH
    /// (a template message's delivery); nil sends none.
    public var wechatEventURL: String?
    /// The token configured with that URL; WeChat signs each push with it.
    public var wechatEventToken = "sandbox-event-token"
    /// How long after a template send its delivery event goes out.
    public var wechatEventDelay: TimeInterval = 0.5
    /// How long after a send the first receipt push goes out.
    public var smsReceiptDelay: TimeInterval = 1
    /// Waits before each further push while the receiver does not acknowledge (Aliyun: 1, 5, 10 minutes).
    public var smsReceiptRetryDelays: [TimeInterval] = [60, 300, 600]

    public init() {}
}
