import Foundation
import HuiminCore
import Transport
import WeChatPay

/// WeChat Pay from the configuration's key files: none configured means the channel is off
/// (paying through it answers `channel_not_configured`), not that Huimin cannot start.
enum WeChatPaySetup {
    static func client(_ channels: Configuration.ChannelSettings, transport: HTTPTransport, clock: any HuiminClock) throws -> WeChatPayClient? {
        guard let merchantKeyPath = channels.wechatPayMerchantKeyPath, let apiV3KeyPath = channels.wechatPayAPIv3KeyPath,
              let platformKeyPath = channels.wechatPayPlatformKeyPath else { return nil }
        let read = { (path: String) throws -> String in
            do {
                return try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw AppError.unavailable("channel_not_configured", "A WeChat Pay key file cannot be read.")
            }
        }
        let apiV3Key = Array(try read(apiV3KeyPath).trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard apiV3Key.count == 32 else {
            throw AppError.unavailable("channel_not_configured", "The WeChat Pay APIv3 key is 32 characters.")
        }
        let configuration = WeChatPayConfiguration(
            mchid: channels.wechatPayMchID, appid: channels.wechatAppID, merchantSerialNo: channels.wechatPayMerchantSerialNo,
            merchantKey: try RSA2PrivateKey(pem: read(merchantKeyPath)), apiV3Key: apiV3Key,
            platformPublicKey: try RSA2PublicKey(pem: read(platformKeyPath)), platformPublicKeyID: channels.wechatPayPlatformKeyID,
            baseURL: channels.wechatPayBaseURL, notifyURL: channels.wechatPayNotifyURL, refundNotifyURL: channels.wechatPayNotifyURL)
        return WeChatPayClient(configuration: configuration, transport: transport, clock: clock)
    }
}

extension Configuration.ChannelSettings {
    /// Points WeChat Pay at the sandbox merchant whose keys the sandbox keeps in `directory`,
    /// unless the environment named other keys.
    public mutating func useSandboxWeChatPay(keyDirectory directory: URL) {
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        if wechatPayMerchantKeyPath == nil {
            wechatPayMerchantKeyPath = path(WeChatPayConfiguration.Sandbox.merchantPrivateKeyFile)
            wechatPayAPIv3KeyPath = path(WeChatPayConfiguration.Sandbox.apiV3KeyFile)
            wechatPayPlatformKeyPath = path(WeChatPayConfiguration.Sandbox.platformPublicKeyFile)
            wechatPayMchID = WeChatPayConfiguration.Sandbox.mchid
            wechatPayMerchantSerialNo = WeChatPayConfiguration.Sandbox.merchantSerialNo
            wechatPayPlatformKeyID = WeChatPayConfiguration.Sandbox.platformPublicKeyID
        }
    }
}
