import Foundation
import HuiminCore

/// The two Alipay RSA2 key pairs the sandbox world needs, generated once and kept as PEM files so
/// Huimin and the sandbox agree across restarts:
/// - the app pair: Huimin signs requests with the private half, the sandbox verifies with the public;
/// - the platform pair: the sandbox signs answers, Huimin verifies with the public half.
public struct SandboxKeys: Sendable {
    public let appPrivateKey: RSA2PrivateKey
    public let platformPrivateKey: RSA2PrivateKey
    public let appPrivateKeyPath: String
    public let appPublicKeyPath: String
    public let platformPrivateKeyPath: String
    public let platformPublicKeyPath: String
    /// WeChat Pay's merchant and platform pairs and APIv3 key, in the same directory.
    public let wechatPay: SandboxWeChatPayKeys
    /// UnionPay's merchant and platform pairs, in the same directory.
    public let unionPay: SandboxUnionPayKeys

    public var appPublicKey: RSA2PublicKey { appPrivateKey.publicKey }
    public var platformPublicKey: RSA2PublicKey { platformPrivateKey.publicKey }

    public static func loadOrCreate(directory: URL) throws -> SandboxKeys {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let paths = { (name: String) in directory.appendingPathComponent(name).path }
        let app = try loadOrCreatePair(privatePath: paths("alipay-app-private.pem"), publicPath: paths("alipay-app-public.pem"))
        let platform = try loadOrCreatePair(privatePath: paths("alipay-platform-private.pem"),
                                            publicPath: paths("alipay-platform-public.pem"))
        return SandboxKeys(appPrivateKey: app, platformPrivateKey: platform,
                           appPrivateKeyPath: paths("alipay-app-private.pem"),
                           appPublicKeyPath: paths("alipay-app-public.pem"),
                           platformPrivateKeyPath: paths("alipay-platform-private.pem"),
                           platformPublicKeyPath: paths("alipay-platform-public.pem"),
                           wechatPay: try SandboxWeChatPayKeys.loadOrCreate(directory: directory),
                           unionPay: try SandboxUnionPayKeys.loadOrCreate(directory: directory))
    }

    /// The private file is the source of truth; the public file is rewritten from it whenever it
    /// is missing or stale, so a half-written pair heals itself.
    static func loadOrCreatePair(privatePath: String, publicPath: String) throws -> RSA2PrivateKey {
        let key: RSA2PrivateKey
        if FileManager.default.fileExists(atPath: privatePath) {
            key = try RSA2PrivateKey(pem: String(contentsOfFile: privatePath, encoding: .utf8))
        } else {
            key = try RSA2PrivateKey.generate()
            try write(key.pem, to: privatePath, permissions: 0o600)
        }
        if (try? String(contentsOfFile: publicPath, encoding: .utf8)) != key.publicKey.pem {
            try write(key.publicKey.pem, to: publicPath, permissions: 0o644)
        }
        return key
    }

    /// Temporary name, then rename: a crash never leaves a truncated key behind.
    static func write(_ text: String, to path: String, permissions: Int) throws {
        let temporary = path + ".tmp-\(UUID().uuidString)"
        // rename(2) replaces an existing file atomically; FileManager's move refuses to.
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: permissions]),
              rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw AppError("sandbox_keys_unwritable", status: 500, "The sandbox could not write its key files.")
        }
    }
}
