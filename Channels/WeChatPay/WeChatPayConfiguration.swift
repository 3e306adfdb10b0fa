import Foundation
import HuiminCore

/// Who Huimin is to WeChat Pay (a normal, directly connected merchant) and how it proves it:
/// the merchant API key signs requests, the WeChat Pay public key (微信支付公钥 mode, serial
/// `PUB_KEY_ID_…`) verifies answers and notifications, and the APIv3 key decrypts resources.
public struct WeChatPayConfiguration: Sendable {
    public var mchid: String
    /// The mini-program appid bound to the merchant.
    public var appid: String
    /// Serial number of the merchant API certificate (`serial_no` in the Authorization header).
    public var merchantSerialNo: String
    public var merchantKey: RSA2PrivateKey
    /// The 32 ASCII bytes of the APIv3 key (AES-256-GCM key of notification resources).
    public var apiV3Key: [UInt8]
    public var platformPublicKey: RSA2PublicKey
    /// `PUB_KEY_ID_…`: the only `Wechatpay-Serial` accepted.
    public var platformPublicKeyID: String
    /// e.g. `https://api.mch.weixin.qq.com`, or the sandbox `http://127.0.0.1:8090`; no trailing slash.
    public var baseURL: String
    /// Where WeChat Pay posts payment notifications (absolute, no query).
    public var notifyURL: String
    /// Where WeChat Pay posts refund notifications (absolute, no query).
    public var refundNotifyURL: String

    public init(mchid: String, appid: String, merchantSerialNo: String, merchantKey: RSA2PrivateKey, apiV3Key: [UInt8],
                platformPublicKey: RSA2PublicKey, platformPublicKeyID: String, baseURL: String, notifyURL: String,
                refundNotifyURL: String) {
        self.mchid = mchid
        self.appid = appid
        self.merchantSerialNo = merchantSerialNo
        self.merchantKey = merchantKey
        self.apiV3Key = apiV3Key
        self.platformPublicKey = platformPublicKey
        self.platformPublicKeyID = platformPublicKeyID
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.notifyURL = notifyURL
        self.refundNotifyURL = refundNotifyURL
    }

    /// The sandbox merchant. These values and the file names below are the sandbox's
    /// (`Sandbox.SandboxWeChatPayKeys`); the two modules do not import each other, so the
    /// sandbox tests check that both sides agree.
    public enum Sandbox {
        public static let mchid = "1900000001"
        public static let appid = "wx0000sandbox0001"
        public static let merchantSerialNo = "5A1B0C2D3E4F5061728394A5B6C7D8E9F0A1B2C3"
        public static let platformPublicKeyID = "PUB_KEY_ID_0119000000012026111800000000000001"
        public static let merchantPrivateKeyFile = "wechatpay-merchant-private.pem"
        public static let platformPublicKeyFile = "wechatpay-platform-public.pem"
        public static let apiV3KeyFile = "wechatpay-apiv3.key"
    }

    /// The sandbox's configuration: reads the key files the sandbox writes (same directory
    /// convention as SandboxKeys: the settings' keys directory) so Huimin and the sandbox agree
    /// across restarts. The sandbox must have created them first (`SandboxKeys.loadOrCreate`).
    public static func sandbox(keyDirectory: URL, baseURL: String, notifyURL: String, refundNotifyURL: String,
                               appid: String = Sandbox.appid) throws -> WeChatPayConfiguration {
        let read = { (name: String) throws -> String in
            do {
                return try String(contentsOf: keyDirectory.appendingPathComponent(name), encoding: .utf8)
            } catch {
                throw AppError.unavailable("channel_not_configured", "The WeChat Pay sandbox keys are missing.")
            }
        }
        let apiV3Key = Array(try read(Sandbox.apiV3KeyFile).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard apiV3Key.count == 32 else {
            throw AppError.unavailable("channel_not_configured", "The WeChat Pay APIv3 key must be 32 characters.")
        }
        return WeChatPayConfiguration(
            mchid: Sandbox.mchid, appid: appid, merchantSerialNo: Sandbox.merchantSerialNo,
            merchantKey: try RSA2PrivateKey(pem: read(Sandbox.merchantPrivateKeyFile)), apiV3Key: apiV3Key,
            platformPublicKey: try RSA2PublicKey(pem: read(Sandbox.platformPublicKeyFile)),
            platformPublicKeyID: Sandbox.platformPublicKeyID, baseURL: baseURL, notifyURL: notifyURL,
            refundNotifyURL: refundNotifyURL)
    }
}
