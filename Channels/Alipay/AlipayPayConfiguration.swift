import Foundation
import HuiminCore

/// Who Huimin is to Alipay's trade APIs: the mini-program's app (app_id, RSA2 app key that signs
/// requests), Alipay's public key (verifies answers and notifications), the merchant's partner ID
/// (`seller_id`, `2088…`, also the bill's account) and where Alipay posts the async notifications.
public struct AlipayPayConfiguration: Sendable {
    /// `https://openapi.alipay.com/gateway.do`, or the sandbox's `http://127.0.0.1:8090/gateway.do`.
    public var gatewayURL: String
    public var appID: String
    public var appPrivateKey: RSA2PrivateKey
    public var alipayPublicKey: RSA2PublicKey
    /// The merchant's PID (`2088…`); notifications naming another seller are refused. Empty skips the check.
    public var sellerID: String
    /// Absolute URL of Huimin's notify route; sent as `notify_url` with every alipay.trade.create.
    public var notifyURL: String

    public init(gatewayURL: String, appID: String, appPrivateKey: RSA2PrivateKey, alipayPublicKey: RSA2PublicKey,
                sellerID: String, notifyURL: String) {
        self.gatewayURL = gatewayURL
        self.appID = appID
        self.appPrivateKey = appPrivateKey
        self.alipayPublicKey = alipayPublicKey
        self.sellerID = sellerID
        self.notifyURL = notifyURL
    }

    /// The sandbox merchant's PID; the sandbox's `AlipayPaySandboxSettings.sellerID` says the same
    /// (the modules do not import each other; ChannelsTests checks that they agree).
    public enum Sandbox {
        public static let sellerID = "2088000000000001"
    }

    /// Built from the same two PEM files AlipayLogin reads (`HUIMIN_ALIPAY_APP_PRIVATE_KEY`,
    /// `HUIMIN_ALIPAY_PUBLIC_KEY`). Nil when they are not configured; unreadable files throw.
    public static func from(settings: Configuration.ChannelSettings, sellerID: String = Sandbox.sellerID,
                            notifyURL: String) throws -> AlipayPayConfiguration? {
        guard let privatePath = settings.alipayAppPrivateKeyPath, let publicPath = settings.alipayPublicKeyPath else {
            return nil
        }
        return AlipayPayConfiguration(
            gatewayURL: settings.alipayGatewayURL, appID: settings.alipayAppID,
            appPrivateKey: try RSA2PrivateKey(pem: String(contentsOfFile: privatePath, encoding: .utf8)),
            alipayPublicKey: try RSA2PublicKey(pem: String(contentsOfFile: publicPath, encoding: .utf8)),
            sellerID: sellerID, notifyURL: notifyURL)
    }
}
