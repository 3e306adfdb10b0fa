import Foundation
import HuiminCore

/// The sandbox WeChat Pay merchant's secrets, generated once and kept beside the Alipay keys so
/// Huimin and the sandbox agree across restarts:
/// - the merchant pair: Huimin signs requests with the private half, the fake verifies with the public;
/// - the platform pair (微信支付公钥 mode): the fake signs answers and notifications, Huimin verifies;
/// - the APIv3 key: 32 ASCII characters, the AES-256-GCM key of notification resources.
///
/// The file names and the identity values are also spelled out in `WeChatPay.WeChatPayConfiguration.Sandbox`
/// (the modules do not import each other); ChannelsTests checks that they agree.
public struct SandboxWeChatPayKeys: Sendable {
    public static let merchantPrivateKeyFile = "wechatpay-merchant-private.pem"
    public static let merchantPublicKeyFile = "wechatpay-merchant-public.pem"
    public static let platformPrivateKeyFile = "wechatpay-platform-private.pem"
    public static let platformPublicKeyFile = "wechatpay-platform-public.pem"
    public static let apiV3KeyFile = "wechatpay-apiv3.key"

    public let merchantPrivateKey: RSA2PrivateKey
    public let platformPrivateKey: RSA2PrivateKey
    /// ASCII bytes.
    public let apiV3Key: [UInt8]
    public let directory: URL

    public var merchantPublicKey: RSA2PublicKey { merchantPrivateKey.publicKey }
    public var platformPublicKey: RSA2PublicKey { platformPrivateKey.publicKey }

    public static func loadOrCreate(directory: URL) throws -> SandboxWeChatPayKeys {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        let merchant = try SandboxKeys.loadOrCreatePair(privatePath: path(merchantPrivateKeyFile),
                                                        publicPath: path(merchantPublicKeyFile))
        let platform = try SandboxKeys.loadOrCreatePair(privatePath: path(platformPrivateKeyFile),
                                                        publicPath: path(platformPublicKeyFile))
        return SandboxWeChatPayKeys(merchantPrivateKey: merchant, platformPrivateKey: platform,
                                    apiV3Key: try loadOrCreateAPIv3Key(path: path(apiV3KeyFile)), directory: directory)
    }

    private static func loadOrCreateAPIv3Key(path: String) throws -> [UInt8] {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let key = Array(text.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
            if key.count == 32 { return key }
        }
        let key = SandboxHTTP.randomString(32, alphabet: SandboxHTTP.alphanumerics)
        try SandboxKeys.write(key, to: path, permissions: 0o600)
        return Array(key.utf8)
    }
}

/// Who the sandbox merchant is. The appid follows the WeChat login appid, as a mini-program's
/// merchant is bound to it.
public struct WeChatPaySandboxSettings: Sendable {
    public var mchid = "1900000001"
    public var appid: String
    /// The `serial_no` Huimin's Authorization header must name.
    public var merchantSerialNo = "5A1B0C2D3E4F5061728394A5B6C7D8E9F0A1B2C3"
    /// The `Wechatpay-Serial` of every answer and notification (微信支付公钥 ID).
    public var platformPublicKeyID = "PUB_KEY_ID_0119000000012026111800000000000001"
    /// Where refund notifications go when a refund request names no `notify_url` (the merchant
    /// platform's setting in real life); nil sends none.
    public var refundNotifyURL: String?
    /// How long a bill download URL stays valid.
    public var billURLTTL: TimeInterval = 300

    public init(appid: String) {
        self.appid = appid
    }
}
