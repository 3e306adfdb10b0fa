import Foundation
import HuiminCore
import Hummingbird

/// The APIv3 wire rules the fake WeChat Pay applies: the merchant's `Authorization` header is
/// checked like WeChat checks it, and every answer is signed with the platform key and carries
/// the `Wechatpay-*` headers (including `Wechatpay-Signature-Type`, which wechatpayv3 requires).
struct FakeWeChatPayProtocol: Sendable {
    /// `HTTPField.Name`; Hummingbird exposes `HTTPFields` but this target does not import HTTPTypes.
    typealias HeaderName = HTTPFields.Element.Name

    static let schema = "WECHATPAY2-SHA256-RSA2048"
    static let signTestPrefix = "WECHATPAY/SIGNTEST/"

    let settings: WeChatPaySandboxSettings
    let keys: SandboxWeChatPayKeys

    struct ErrorBody: Encodable {
        let code: String
        let message: String
    }

    /// The parameters of `WECHATPAY2-SHA256-RSA2048 k="v",…`; nil when the schema is wrong.
    static func authorizationParameters(_ header: String) -> [String: String]? {
        guard header.hasPrefix(schema + " ") else { return nil }
        var parameters: [String: String] = [:]
        for part in header.dropFirst(schema.count + 1).split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return nil }
            value = String(value.dropFirst().dropLast())
            parameters[pair[0].trimmingCharacters(in: .whitespaces)] = value
        }
        return parameters
    }

    /// True when the request is signed by the sandbox merchant's key over
    /// `METHOD\nPATH?QUERY\nTIMESTAMP\nNONCE\nBODY\n`, with the merchant's mchid and serial.
    func requestSignatureValid(_ request: Request, body: [UInt8]) -> Bool {
        guard let header = request.headers[.authorization],
              let parameters = Self.authorizationParameters(header),
              parameters["mchid"] == settings.mchid, parameters["serial_no"] == settings.merchantSerialNo,
              let timestamp = parameters["timestamp"], Int64(timestamp) != nil,
              let nonce = parameters["nonce_str"], !nonce.isEmpty,
              let signature = parameters["signature"].flatMap({ Data(base64Encoded: $0) }) else { return false }
        let message = Array("\(request.method.rawValue)\n\(request.head.path ?? "/")\n\(timestamp)\n\(nonce)\n".utf8)
            + body + [UInt8(ascii: "\n")]
        return keys.merchantPublicKey.verify(signature: Array(signature), message: message)
    }

    enum Signing {
        case valid, none, probe, broken
    }

    /// The `Wechatpay-*` headers for `body`, signed over `ts\nnonce\nbody\n`.
    func signatureHeaders(body: [UInt8], at now: Date, signing: Signing = .valid) -> [(String, String)] {
        guard signing != .none else { return [] }
        let timestamp = String(Int64(now.timeIntervalSince1970.rounded(.down)))
        let nonce = SandboxHTTP.randomString(32, alphabet: SandboxHTTP.alphanumerics)
        let message = Array("\(timestamp)\n\(nonce)\n".utf8) + body + [UInt8(ascii: "\n")]
        var signature = (try? keys.platformPrivateKey.sign(message)) ?? []
        if signing == .broken, !signature.isEmpty { signature[signature.count / 2] ^= 0x5A }
        var text = Data(signature).base64EncodedString()
        if signing == .probe { text = Self.signTestPrefix + text }
        return [("Wechatpay-Nonce", nonce), ("Wechatpay-Signature", text), ("Wechatpay-Timestamp", timestamp),
                ("Wechatpay-Serial", settings.platformPublicKeyID), ("Wechatpay-Signature-Type", Self.schema)]
    }

    /// An answer before it is signed: the fake's handlers return these, and the API wrapper signs
    /// them (or, when a fault is armed, signs them wrongly).
    struct Answer: Sendable {
        var status: Int
        var body: [UInt8]
        var contentType = "application/json; charset=utf-8"
        /// False for the bill file, which WeChat Pay sends without a signature.
        var signed = true
    }

    func answer(_ value: some Encodable, status: Int = 200) -> Answer {
        Answer(status: status, body: Self.encode(value))
    }

    func error(_ status: Int, _ code: String, _ message: String) -> Answer {
        answer(ErrorBody(code: code, message: message), status: status)
    }

    func response(_ answer: Answer, at now: Date, signing: Signing = .valid) -> Response {
        var headers = HTTPFields()
        if !answer.body.isEmpty { headers[.contentType] = answer.contentType }
        headers[HeaderName("Request-ID")!] = "08" + SandboxHTTP.randomString(30, alphabet: SandboxHTTP.digits)
        for (name, value) in signatureHeaders(body: answer.body, at: now, signing: answer.signed ? signing : .none) {
            headers[HeaderName(name)!] = value
        }
        return Response(status: .init(code: answer.status), headers: headers,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }

    static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map(Array.init) ?? Array("{}".utf8)
    }

    /// RFC 3339 in Beijing time: `2026-09-22T08:30:00+08:00`.
    static func time(_ date: Date) -> String {
        FakeAlipay.beijingTime(date).replacingOccurrences(of: " ", with: "T") + "+08:00"
    }

    static func parseTime(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// The last path segment, percent-decoded (`|` arrives as `%7C`).
    static func lastSegment(_ request: Request, dropping suffix: String = "") -> String {
        var path = request.uri.path
        if !suffix.isEmpty, path.hasSuffix(suffix) { path = String(path.dropLast(suffix.count)) }
        let segment = path.split(separator: "/").last.map(String.init) ?? ""
        return segment.removingPercentEncoding ?? segment
    }

    static func matches(_ text: String, allowed: String, length: ClosedRange<Int>) -> Bool {
        let allowedSet = Set(allowed + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return length.contains(text.count) && text.allSatisfy { allowedSet.contains($0) }
    }

    /// Absolute http(s) URL without a query, at most 255 characters.
    static func notifyURLValid(_ text: String) -> Bool {
        guard text.count <= 255, !text.contains("?"), let url = URL(string: text),
              let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http",
              let host = url.host, !host.isEmpty else { return false }
        return true
    }
}
