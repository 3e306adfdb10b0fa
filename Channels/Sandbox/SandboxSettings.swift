import Foundation
import HuiminCore

/// What the fake vendors accept. The defaults come from `Configuration.ChannelSettings`, so a
/// Huimin started with default settings and the sandbox agree without any setup.
public struct SandboxSettings: Sendable {
    public var keys: SandboxKeys
    public var wechatAppID: String
    public var wechatSecret: String
    public var alipayAppID: String
    public var smsAccessKeyID: String
    public var smsAccessKeySecret: String
    /// Approved signature names (签名).
    public var smsSignNames: Set<String>
    /// Approved templates and the parameters each one needs.
    public var smsTemplates: [String: [String]]
    /// Which of `smsTemplates` are verification-code templates (flow control 1/min, 5/hour,
    /// 10/day per number); the others are notifications (50/day per template and number).
    public var smsVerificationTemplates: Set<String>
    /// Shared secret of the HIS request signature; HIS.HISClient's default.
    public var hisSecret: String
    /// JSON file of the patients the HIS starts with; nil or missing starts empty.
    public var hisFixtures: URL?
    /// How long a WeChat or Alipay login code stays usable after issue.
    public var loginCodeTTL: TimeInterval
    /// How long a `timeout` fault holds a request before answering; longer than any client timeout.
    public var faultHangSeconds: Double
    /// The WeChat Pay sandbox merchant.
    public var wechatPay: WeChatPaySandboxSettings
    /// The Alipay sandbox merchant (trade APIs).
    public var alipayPay = AlipayPaySandboxSettings()
    /// The UnionPay sandbox merchant (全渠道).
    public var unionPay = UnionPaySandboxSettings()
    /// The medical-insurance centre (医保移动支付).
    public var insurance = InsuranceSandboxSettings()
    /// WeChat and Alipay messages, SMS delivery receipts.
    public var messaging = MessagingSandboxSettings()

    public init(keys: SandboxKeys, channels: Configuration.ChannelSettings = Configuration(environment: [:]).channels,
                hisFixtures: URL? = SandboxSettings.defaultHISFixtures) {
        self.keys = keys
        wechatAppID = channels.wechatAppID
        wechatSecret = channels.wechatSecret
        alipayAppID = channels.alipayAppID
        smsAccessKeyID = channels.smsAccessKeyID
        smsAccessKeySecret = channels.smsAccessKeySecret
        smsSignNames = [channels.smsSignName]
        smsTemplates = [channels.smsVerificationTemplate: ["code"]]
        smsVerificationTemplates = [channels.smsVerificationTemplate]
        hisSecret = channels.hisSecret
        self.hisFixtures = hisFixtures
        loginCodeTTL = 300
        // Past any channel timeout, but short enough that a graceful shutdown is not held up for long.
        faultHangSeconds = channels.timeout + 3
        wechatPay = WeChatPaySandboxSettings(appid: channels.wechatAppID)
    }

    /// `assets/sandbox/his-patients.json` under the working directory (the package root when run
    /// with `swift run`), unless `HUIMIN_SANDBOX_HIS_FIXTURES` names another file.
    public static var defaultHISFixtures: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["HUIMIN_SANDBOX_HIS_FIXTURES"]
            ?? "assets/sandbox/his-patients.json")
    }
}
