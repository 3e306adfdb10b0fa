import Foundation
import HuiminCore

/// The sandbox UnionPay merchant's two RSA pairs, generated once and kept beside the other
/// channels' keys so Huimin and the sandbox agree across restarts:
/// - the merchant pair (stands for the merchant's PKCS#12 signing certificate, `certId`
///   `UnionPaySandboxSettings.certID`): Huimin signs requests, the fake verifies;
/// - the platform pair (UnionPay's signing certificate): the fake signs answers and
///   notifications, Huimin verifies.
///
/// The file names are also spelled out in `UnionPay.UnionPayConfiguration.Sandbox` (the modules do
/// not import each other); ChannelsTests checks that they agree.
public struct SandboxUnionPayKeys: Sendable {
    public static let merchantPrivateKeyFile = "unionpay-merchant-private.pem"
    public static let merchantPublicKeyFile = "unionpay-merchant-public.pem"
    public static let platformPrivateKeyFile = "unionpay-platform-private.pem"
    public static let platformPublicKeyFile = "unionpay-platform-public.pem"

    public let merchantPrivateKey: RSA2PrivateKey
    public let platformPrivateKey: RSA2PrivateKey
    public let directory: URL

    public var merchantPublicKey: RSA2PublicKey { merchantPrivateKey.publicKey }
    public var platformPublicKey: RSA2PublicKey { platformPrivateKey.publicKey }
    public var merchantPrivateKeyPath: String { directory.appendingPathComponent(Self.merchantPrivateKeyFile).path }
    public var platformPublicKeyPath: String { directory.appendingPathComponent(Self.platformPublicKeyFile).path }

    public static func loadOrCreate(directory: URL) throws -> SandboxUnionPayKeys {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = { (name: String) in directory.appendingPathComponent(name).path }
        let merchant = try SandboxKeys.loadOrCreatePair(privatePath: path(merchantPrivateKeyFile),
                                                        publicPath: path(merchantPublicKeyFile))
        let platform = try SandboxKeys.loadOrCreatePair(privatePath: path(platformPrivateKeyFile),
                                                        publicPath: path(platformPublicKeyFile))
        return SandboxUnionPayKeys(merchantPrivateKey: merchant, platformPrivateKey: platform, directory: directory)
    }
}
