import Foundation
import HuiminCore
import Transport

/// Sends template text messages through an Alibaba Cloud–style `SendSms` RPC API (短信服务).
/// The signature name (签名) comes from settings; the template and its parameters from the caller.
public struct SMSGateway: Sendable {
    let baseURL: String
    let accessKeyID: String
    let accessKeySecret: String
    let signName: String
    let transport: HTTPTransport
    let clock: any HuiminClock

    public init(settings: Configuration.ChannelSettings, transport: HTTPTransport, clock: any HuiminClock = SystemClock()) {
        self.init(baseURL: settings.smsBaseURL, accessKeyID: settings.smsAccessKeyID,
                  accessKeySecret: settings.smsAccessKeySecret, signName: settings.smsSignName,
                  transport: transport, clock: clock)
    }

    public init(baseURL: String, accessKeyID: String, accessKeySecret: String, signName: String,
                transport: HTTPTransport, clock: any HuiminClock = SystemClock()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.accessKeyID = accessKeyID
        self.accessKeySecret = accessKeySecret
        self.signName = signName
        self.transport = transport
        self.clock = clock
    }

    private struct Reply: Decodable {
        let code: String
        let bizID: String?

        enum CodingKeys: String, CodingKey {
            case code = "Code"
            case bizID = "BizId"
        }
    }

    /// Sends one message and returns the gateway's BizId (回执ID), which delivery receipts quote.
    /// - Parameter outID: Huimin's own reference, echoed in receipts; the gateway does not
    ///   de-duplicate on it, so a retry after a lost answer may send twice.
    /// - Throws: `SMSSendError` for every failure (`CancellationError` aside).
    public func send(phone: String, templateCode: String, params: [String: String], outID: String?) async throws -> String {
        let request = try signedRequest(phone: phone, templateCode: templateCode, params: params, outID: outID)
        let response = try await exchange(request)
        guard let reply = try? response.decode(Reply.self) else {
            throw SMSSendError(.upstream("sms_failed", "The SMS gateway answered with HTTP \(response.status)."),
                               retryable: true)
        }
        guard reply.code == "OK" else { throw SMSSendError.gateway(code: reply.code) }
        guard let bizID = reply.bizID, !bizID.isEmpty else {
            throw SMSSendError(.upstream("sms_failed", "The SMS gateway accepted the message without a BizId."),
                               retryable: false)
        }
        return bizID
    }

    /// One round trip; timeouts and unreachable gateways are transient by nature.
    func exchange(_ request: OutboundRequest) async throws -> OutboundResponse {
        do {
            return try await transport.send(request)
        } catch let error as AppError {
            throw SMSSendError(error, retryable: true)
        }
    }

    private func signedRequest(phone: String, templateCode: String, params: [String: String],
                               outID: String?) throws -> OutboundRequest {
        var parameters: [(String, String)] = [
            ("PhoneNumbers", phone), ("SignName", signName), ("TemplateCode", templateCode),
            ("TemplateParam", String(decoding: try Self.paramEncoder.encode(params), as: UTF8.self)),
        ]
        if let outID { parameters.append(("OutId", outID)) }
        return signedRequest(action: "SendSms", parameters)
    }

    /// Any action of the API: the action's own parameters plus the common ones, signed (RPC v1.0).
    func signedRequest(action: String, _ own: [(String, String)]) -> OutboundRequest {
        var parameters: [(String, String)] = [
            ("Action", action), ("Version", "2017-05-25"), ("RegionId", "cn-hangzhou"),
            ("AccessKeyId", accessKeyID), ("Format", "JSON"), ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureNonce", UUID().uuidString), ("SignatureVersion", "1.0"),
            ("Timestamp", Self.timestamp(clock.now())),
        ] + own
        parameters.append(("Signature", AlibabaRPCSignature.signature(method: "GET", parameters: parameters,
                                                                       secret: accessKeySecret)))
        return OutboundRequest(method: "GET", url: "\(baseURL)/?\(PercentEncoding.query(parameters))")
    }

    /// Sorted keys so the same parameters always make the same text (and so the same signature input).
    private static let paramEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `yyyy-MM-ddTHH:mm:ssZ` in UTC, the form the RPC API expects (no fractional seconds).
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }
}
