import Foundation

/// Everything that differs between deployments, read from `HUIMIN_*` environment variables.
/// The defaults run the whole platform on one machine: data in `./data`, channels pointed at the
/// sandbox on loopback.
public struct Configuration: Sendable {
    public var host: String
    public var port: Int
    public var dataDirectory: URL
    /// `gm` (SM2/SM3/SM4, the default) or `intl` (Ed25519/AES-GCM/HMAC-SHA256).
    public var cryptoProfile: String
    /// Issuer code written into every card QR payload; terminals reject codes of other issuers.
    public var cardIssuer: String
    public var cardQRTTL: TimeInterval
    public var sessionTTL: TimeInterval
    public var familyMemberLimit: Int
    /// Start the sandbox inside `huimin serve` and point every channel at it.
    public var sandboxEnabled: Bool
    public var sandboxPort: Int
    public var logLevel: String
    /// `text` (key=value lines) or `json` (one object per line).
    public var logFormat: String
    public var channels: ChannelSettings
    public var messaging: MessagingSettings
    /// Run the appointment and payment sweepers in this process (`HUIMIN_SWEEPERS=off`: another one does).
    public var sweepersEnabled: Bool
    /// Job runners sharing the queue in one process (thumbnails render on each); default: the cores.
    public var jobRunners: Int
    public var objectsDirectoryOverride: URL?
    /// A JSON file overriding the ECG critical-value (危急值) thresholds and statements.
    public var ecgRulesPath: String?
    /// Where residents and doctors reach this server from outside (share links and their QR codes).
    public var publicURL: String

    public struct ChannelSettings: Sendable {
        public var wechatBaseURL: String
        public var wechatAppID: String
        public var wechatSecret: String
        public var alipayGatewayURL: String
        public var alipayAppID: String
        /// PEM files; in sandbox mode they are generated under the data directory.
        public var alipayAppPrivateKeyPath: String?
        public var alipayPublicKeyPath: String?
        /// The merchant's partner ID (`2088…`, seller_id); Alipay notifications naming another are refused.
        public var alipaySellerID: String
        /// Where Alipay posts trade notifications (also for refunds): Huimin's own public address.
        public var alipayNotifyURL: String
        /// WeChat Pay API v3. In sandbox mode the merchant and platform keys are the sandbox's;
        /// live, they come from the files named here.
        public var wechatPayBaseURL: String
        public var wechatPayMchID: String
        public var wechatPayMerchantSerialNo: String
        public var wechatPayMerchantKeyPath: String?
        public var wechatPayAPIv3KeyPath: String?
        public var wechatPayPlatformKeyPath: String?
        public var wechatPayPlatformKeyID: String
        /// Where WeChat Pay posts payment and refund notifications: Huimin's own public address.
        public var wechatPayNotifyURL: String
        /// UnionPay 全渠道 (ACP 5.1.0): the gateway's base URL (`https://gateway.95516.com`, or the
        /// sandbox), the 15-digit merchant number, the merchant signing certificate's serial
        /// (`certId`), the PEM files of the merchant key and of UnionPay's signing key, and where
        /// UnionPay posts notifications (`backUrl`).
        public var unionPayBaseURL: String
        public var unionPayMerID: String
        public var unionPayCertID: String
        public var unionPayMerchantKeyPath: String?
        public var unionPayPublicKeyPath: String?
        public var unionPayBackURL: String
        public var smsBaseURL: String
        public var smsAccessKeyID: String
        public var smsAccessKeySecret: String
        public var smsSignName: String
        public var smsVerificationTemplate: String
        public var hisBaseURL: String
        /// Shared secret for signing calls to the HIS (HMAC-SHA256).
        public var hisSecret: String
        /// Outbound request timeout in seconds.
        public var timeout: Double
        /// The medical-insurance centre (医保移动支付, national platform 2.0 envelope): base URL,
        /// the hospital as the centre knows it (fixmedins_code/name), the area codes and the SM2
        /// key files (ours signs requests; the centre's public key verifies its answers).
        public var insuranceBaseURL = "http://127.0.0.1:8090/insurance"
        public var insuranceHospitalCode = "H45010200001"
        public var insuranceHospitalName = "惠民示范医院"
        public var insuranceAreaCode = "450102"
        public var insuranceReceiverSystemCode = "HSA_MOBILE"
        public var insurancePrivateKeyPath: String?
        public var insuranceCentrePublicKeyPath: String?
    }

    public init(environment env: [String: String] = ProcessInfo.processInfo.environment) {
        host = env["HUIMIN_HOST"] ?? "127.0.0.1"
        port = Int(env["HUIMIN_PORT"] ?? "") ?? 8080
        dataDirectory = URL(fileURLWithPath: env["HUIMIN_DATA"] ?? "./data", isDirectory: true).standardizedFileURL
        cryptoProfile = env["HUIMIN_CRYPTO"] ?? "gm"
        cardIssuer = env["HUIMIN_CARD_ISSUER"] ?? "HUIMIN"
        // Outside 10 s … 1 h a code is either unusable at a terminal or as good as a static one.
        cardQRTTL = min(max(TimeInterval(env["HUIMIN_CARD_QR_TTL"] ?? "").flatMap { $0.isFinite ? $0 : nil } ?? 60, 10), 3600)
        sessionTTL = TimeInterval(env["HUIMIN_SESSION_TTL"] ?? "") ?? 7 * 24 * 3600
        familyMemberLimit = Int(env["HUIMIN_FAMILY_LIMIT"] ?? "") ?? 5
        sandboxEnabled = (env["HUIMIN_SANDBOX"] ?? "on") != "off"
        sandboxPort = Int(env["HUIMIN_SANDBOX_PORT"] ?? "") ?? 8090
        logLevel = env["HUIMIN_LOG_LEVEL"] ?? "info"
        logFormat = env["HUIMIN_LOG_FORMAT"] ?? "text"
        messaging = MessagingSettings(environment: env)
        sweepersEnabled = env["HUIMIN_SWEEPERS"] != "off"
        ecgRulesPath = env["HUIMIN_ECG_RULES"].flatMap { $0.isEmpty ? nil : $0 }
        var publicURL = env["HUIMIN_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "http://127.0.0.1:\(Int(env["HUIMIN_PORT"] ?? "") ?? 8080)"
        while publicURL.hasSuffix("/") { publicURL.removeLast() }
        self.publicURL = publicURL
        objectsDirectoryOverride = env["HUIMIN_OBJECTS"].map { URL(fileURLWithPath: $0, isDirectory: true).standardizedFileURL }
        jobRunners = min(max(Int(env["HUIMIN_JOB_RUNNERS"] ?? "") ?? ProcessInfo.processInfo.activeProcessorCount, 1), 32)
        let sandbox = "http://127.0.0.1:\(sandboxPort)"
        channels = ChannelSettings(
            wechatBaseURL: env["HUIMIN_WECHAT_BASE_URL"] ?? (sandboxEnabled ? sandbox : "https://api.weixin.qq.com"),
            wechatAppID: env["HUIMIN_WECHAT_APPID"] ?? "wx0000sandbox0001",
            wechatSecret: env["HUIMIN_WECHAT_SECRET"] ?? "sandbox-wechat-secret",
            alipayGatewayURL: env["HUIMIN_ALIPAY_GATEWAY_URL"]
                ?? (sandboxEnabled ? sandbox + "/gateway.do" : "https://openapi.alipay.com/gateway.do"),
            alipayAppID: env["HUIMIN_ALIPAY_APPID"] ?? "2021000000000001",
            alipayAppPrivateKeyPath: env["HUIMIN_ALIPAY_APP_PRIVATE_KEY"],
            alipayPublicKeyPath: env["HUIMIN_ALIPAY_PUBLIC_KEY"],
            alipaySellerID: env["HUIMIN_ALIPAY_SELLER_ID"] ?? "2088000000000001",
            alipayNotifyURL: env["HUIMIN_ALIPAY_NOTIFY_URL"]
                ?? "http://127.0.0.1:\(Int(env["HUIMIN_PORT"] ?? "") ?? 8080)/notify/v1/alipay",
            wechatPayBaseURL: env["HUIMIN_WECHATPAY_BASE_URL"] ?? (sandboxEnabled ? sandbox : "https://api.mch.weixin.qq.com"),
            wechatPayMchID: env["HUIMIN_WECHATPAY_MCHID"] ?? "1900000001",
            wechatPayMerchantSerialNo: env["HUIMIN_WECHATPAY_MERCHANT_SERIAL"] ?? "",
            wechatPayMerchantKeyPath: env["HUIMIN_WECHATPAY_MERCHANT_KEY"],
            wechatPayAPIv3KeyPath: env["HUIMIN_WECHATPAY_APIV3_KEY"],
            wechatPayPlatformKeyPath: env["HUIMIN_WECHATPAY_PLATFORM_KEY"],
            wechatPayPlatformKeyID: env["HUIMIN_WECHATPAY_PLATFORM_KEY_ID"] ?? "",
            wechatPayNotifyURL: env["HUIMIN_WECHATPAY_NOTIFY_URL"]
                ?? "http://127.0.0.1:\(Int(env["HUIMIN_PORT"] ?? "") ?? 8080)/notify/v1/wechatpay",
            unionPayBaseURL: env["HUIMIN_UNIONPAY_BASE_URL"] ?? (sandboxEnabled ? sandbox : "https://gateway.95516.com"),
            unionPayMerID: env["HUIMIN_UNIONPAY_MERID"] ?? "777290058110097",
            unionPayCertID: env["HUIMIN_UNIONPAY_CERTID"] ?? "69629715588",
            unionPayMerchantKeyPath: env["HUIMIN_UNIONPAY_MERCHANT_KEY"],
            unionPayPublicKeyPath: env["HUIMIN_UNIONPAY_PUBLIC_KEY"],
            unionPayBackURL: env["HUIMIN_UNIONPAY_BACK_URL"]
                ?? "http://127.0.0.1:\(Int(env["HUIMIN_PORT"] ?? "") ?? 8080)/notify/v1/unionpay",
            smsBaseURL: env["HUIMIN_SMS_BASE_URL"] ?? (sandboxEnabled ? sandbox + "/sms" : "https://dysmsapi.aliyuncs.com"),
            smsAccessKeyID: env["HUIMIN_SMS_ACCESS_KEY_ID"] ?? "LTAIsandbox",
            smsAccessKeySecret: env["HUIMIN_SMS_ACCESS_KEY_SECRET"] ?? "sandbox-sms-secret",
            smsSignName: env["HUIMIN_SMS_SIGN_NAME"] ?? "惠民健康",
            smsVerificationTemplate: env["HUIMIN_SMS_VERIFY_TEMPLATE"] ?? "SMS_100000001",
            hisBaseURL: env["HUIMIN_HIS_BASE_URL"] ?? (sandboxEnabled ? sandbox + "/his" : "http://his.invalid"),
            hisSecret: env["HUIMIN_HIS_SECRET"] ?? "sandbox-his-secret",
            timeout: Double(env["HUIMIN_CHANNEL_TIMEOUT"] ?? "") ?? 5
        )
        channels.insuranceBaseURL = env["HUIMIN_INSURANCE_BASE_URL"]
            ?? (sandboxEnabled ? sandbox + "/insurance" : "https://fsi.invalid")
        channels.insuranceHospitalCode = env["HUIMIN_INSURANCE_HOSPITAL_CODE"] ?? channels.insuranceHospitalCode
        channels.insuranceHospitalName = env["HUIMIN_INSURANCE_HOSPITAL_NAME"] ?? channels.insuranceHospitalName
        channels.insuranceAreaCode = env["HUIMIN_INSURANCE_AREA_CODE"] ?? channels.insuranceAreaCode
        channels.insuranceReceiverSystemCode = env["HUIMIN_INSURANCE_RECEIVER_SYSTEM"] ?? channels.insuranceReceiverSystemCode
        channels.insurancePrivateKeyPath = env["HUIMIN_INSURANCE_PRIVATE_KEY"]
        channels.insuranceCentrePublicKeyPath = env["HUIMIN_INSURANCE_CENTRE_PUBLIC_KEY"]
    }

    public var databasePath: String { dataDirectory.appendingPathComponent("huimin.sqlite").path }
    public var keysDirectory: URL { dataDirectory.appendingPathComponent("keys", isDirectory: true) }
    /// The object store's root (DICOM and ECG files, renderings), `HUIMIN_OBJECTS` or `data/objects`.
    public var objectsDirectory: URL {
        objectsDirectoryOverride ?? dataDirectory.appendingPathComponent("objects", isDirectory: true)
    }
    public var sandboxDirectory: URL { dataDirectory.appendingPathComponent("sandbox", isDirectory: true) }
}
