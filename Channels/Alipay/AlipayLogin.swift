import Foundation
import HuiminCore
import Transport

/// Mini-program login (小程序授权登录): exchanges the one-time `my.getAuthCode` code for the user's
/// ID through the gateway method `alipay.system.oauth.token`. Requests are signed with the app's
/// private key; answers are accepted only when Alipay's public key verifies their signature.
public struct AlipayLogin: Sendable {
    static let method = "alipay.system.oauth.token"
    static let responseNode = "alipay_system_oauth_token_response"

    let gatewayURL: String
    let appID: String
    let keys: Keys?
    let transport: HTTPTransport
    let clock: any HuiminClock

    struct Keys: Sendable {
        let appPrivateKey: RSA2PrivateKey
        let alipayPublicKey: RSA2PublicKey
    }

    /// Reads the two PEM files named in the settings. Without them the service still starts and
    /// Alipay logins fail with `channel_not_configured`; unreadable files fail here, at startup.
    public init(settings: Configuration.ChannelSettings, transport: HTTPTransport,
                clock: any HuiminClock = SystemClock()) throws {
        var keys: Keys?
        if let privatePath = settings.alipayAppPrivateKeyPath, let publicPath = settings.alipayPublicKeyPath {
            keys = Keys(appPrivateKey: try RSA2PrivateKey(pem: String(contentsOfFile: privatePath, encoding: .utf8)),
                        alipayPublicKey: try RSA2PublicKey(pem: String(contentsOfFile: publicPath, encoding: .utf8)))
        }
        self.init(gatewayURL: settings.alipayGatewayURL, appID: settings.alipayAppID, keys: keys,
                  transport: transport, clock: clock)
    }

    public init(gatewayURL: String, appID: String, appPrivateKey: RSA2PrivateKey, alipayPublicKey: RSA2PublicKey,
                transport: HTTPTransport, clock: any HuiminClock = SystemClock()) {
        self.init(gatewayURL: gatewayURL, appID: appID,
                  keys: Keys(appPrivateKey: appPrivateKey, alipayPublicKey: alipayPublicKey),
                  transport: transport, clock: clock)
    }

    private init(gatewayURL: String, appID: String, keys: Keys?, transport: HTTPTransport, clock: any HuiminClock) {
        self.gatewayURL = gatewayURL
        self.appID = appID
        self.keys = keys
        self.transport = transport
        self.clock = clock
    }

    public func login(code: String) async throws -> AlipayUser {
        guard let keys else { throw AlipayErrors.notConfigured }
        var parameters: [(String, String)] = [
            ("app_id", appID), ("method", Self.method), ("format", "JSON"), ("charset", "utf-8"),
            ("sign_type", "RSA2"), ("timestamp", AlipaySignature.timestamp(clock.now())), ("version", "1.0"),
            ("grant_type", "authorization_code"), ("code", code),
        ]
        parameters.append(("sign", try AlipaySignature.sign(parameters, with: keys.appPrivateKey)))
        let response = try await transport.send(OutboundRequest(
            method: "POST", url: gatewayURL,
            headers: [("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")],
            body: Array(PercentEncoding.query(parameters).utf8)))
        guard response.status == 200 else {
            throw AppError.upstream("channel_error", "Alipay answered with HTTP \(response.status).")
        }
        return try AlipayTokenReply.user(from: response, verifyingWith: keys.alipayPublicKey)
    }
}
