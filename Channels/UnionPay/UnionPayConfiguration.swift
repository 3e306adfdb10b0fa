import Foundation
import HuiminCore

/// Who Huimin is to UnionPay's 全渠道 gateway (ACP 5.1.0): the merchant number (`merId`, 15
/// digits), the serial of the merchant's signing certificate (`certId`, sent with every request so
/// UnionPay picks the key to verify with), the merchant's private key (signs requests), UnionPay's
/// signing public key (verifies answers and notifications) and where UnionPay posts the
/// notifications (`backUrl`).
///
/// Live, UnionPay hands the merchant a PKCS#12 signing certificate and its own signing certificate;
/// Huimin takes the keys out of them as PEM files once, at setup. Answers carry UnionPay's signing
/// certificate (`signPubKeyCert`); it is not trusted: only the configured key verifies.
public struct UnionPayConfiguration: Sendable {
    /// `https://gateway.95516.com` (live), `https://gateway.test.95516.com` (UnionPay's test
    /// environment) or the sandbox's `http://127.0.0.1:8090`; the paths are `/gateway/api/…`.
    public var baseURL: String
    /// `merId`: 15 digits.
    public var merchantID: String
    /// `certId`: the serial number of the merchant signing certificate, in decimal.
    public var certID: String
    public var merchantPrivateKey: RSA2PrivateKey
    public var unionPayPublicKey: RSA2PublicKey
    /// Absolute URL of Huimin's notify route; sent as `backUrl` with every consume and refund.
    public var backURL: String

    public init(baseURL: String, merchantID: String, certID: String, merchantPrivateKey: RSA2PrivateKey,
                unionPayPublicKey: RSA2PublicKey, backURL: String) {
        self.baseURL = baseURL
        self.merchantID = merchantID
        self.certID = certID
        self.merchantPrivateKey = merchantPrivateKey
        self.unionPayPublicKey = unionPayPublicKey
        self.backURL = backURL
    }

    /// The sandbox merchant; the sandbox's `UnionPaySandboxSettings` and `SandboxUnionPayKeys`
    /// say the same (the modules do not import each other; ChannelsTests checks that they agree).
    public enum Sandbox {
        public static let merchantID = "777290058110097"
        public static let certID = "69629715588"
        /// The serial of the sandbox UnionPay's own signing certificate (as `signPubKeyCert` names it).
        public static let unionPayCertID = "69042905377"
        public static let merchantPrivateKeyFile = "unionpay-merchant-private.pem"
        public static let merchantPublicKeyFile = "unionpay-merchant-public.pem"
        public static let unionPayPrivateKeyFile = "unionpay-platform-private.pem"
        public static let unionPayPublicKeyFile = "unionpay-platform-public.pem"
    }

    /// Built from `HUIMIN_UNIONPAY_MERCHANT_KEY` and `HUIMIN_UNIONPAY_PUBLIC_KEY` (PEM files) and the
    /// other `HUIMIN_UNIONPAY_*` settings. Nil when the key files are not configured; unreadable
    /// files throw. In sandbox mode the files are the sandbox's (`Sandbox.merchantPrivateKeyFile`
    /// and `Sandbox.unionPayPublicKeyFile` in its key directory).
    public static func from(settings: Configuration.ChannelSettings,
                            backURL: String? = nil) throws -> UnionPayConfiguration? {
        guard let privatePath = settings.unionPayMerchantKeyPath, let publicPath = settings.unionPayPublicKeyPath else {
            return nil
        }
        return UnionPayConfiguration(
            baseURL: settings.unionPayBaseURL, merchantID: settings.unionPayMerID, certID: settings.unionPayCertID,
            merchantPrivateKey: try RSA2PrivateKey(pem: String(contentsOfFile: privatePath, encoding: .utf8)),
            unionPayPublicKey: try RSA2PublicKey(pem: String(contentsOfFile: publicPath, encoding: .utf8)),
            backURL: backURL ?? settings.unionPayBackURL)
    }
}
