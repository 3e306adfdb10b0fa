import Crypto
import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting

/// A hospital terminal: signs each integration call with its API key as the contract describes,
/// written here from the contract rather than reusing the server's own code.
struct Terminal: Sendable {
    let apiKey: String
    let secret: String

    static func connect(_ h: TestHarness, code: String = "H0001") async throws -> Terminal {
        let key = try await h.services.hospitals.issueKey(hospitalCode: code, name: "第一人民医院")
        return Terminal(apiKey: key.apiKey, secret: key.apiSecret)
    }

    func headers(method: String = "POST", path: String, body: String, timestamp: Int, nonce: String = UUID().uuidString) -> HTTPFields {
        let bodyHash = SHA256.hash(data: Array(body.utf8)).map { String(format: "%02x", $0) }.joined()
        let message = "\(method)\n\(path)\n\(timestamp)\n\(nonce)\n\(bodyHash)"
        let mac = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return [
            .init("X-Huimin-Key")!: apiKey,
            .init("X-Huimin-Timestamp")!: "\(timestamp)",
            .init("X-Huimin-Nonce")!: nonce,
            .init("X-Huimin-Signature")!: mac.map { String(format: "%02x", $0) }.joined(),
        ]
    }

    func verify(_ client: any TestClientProtocol, _ h: TestHarness, payload: String, smsCode: String? = nil,
                nonce: String = UUID().uuidString) async throws -> APIResult {
        let sms = smsCode.map { #","smsCode":"\#($0)""# } ?? ""
        let body = #"{"payload":"\#(payload)","terminalId":"KIOSK-01","medicalStep":"0101011"\#(sms)}"#
        let now = Int(h.clock.now().timeIntervalSince1970)
        return try await client.call(.post, "/integration/v1/cards/verify", json: body,
                                     headers: headers(path: "/integration/v1/cards/verify", body: body, timestamp: now, nonce: nonce))
    }
}

extension Terminal {
    /// Any signed integration call, as the hospital's systems make it.
    func call(_ client: any TestClientProtocol, _ h: TestHarness, _ method: HTTPRequest.Method, _ path: String,
              json: String = "") async throws -> APIResult {
        let now = Int(h.clock.now().timeIntervalSince1970)
        let signed = headers(method: method.rawValue, path: path, body: json, timestamp: now)
        return try await client.call(method, path, json: json.isEmpty ? nil : json, headers: signed)
    }
}
