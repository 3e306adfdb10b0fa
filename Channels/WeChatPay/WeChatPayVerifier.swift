import Foundation
import HuiminCore

/// The platform's side: answers and notifications carry `Wechatpay-Timestamp`, `-Nonce`,
/// `-Signature` and `-Serial`, the signature being SHA256withRSA over `ts\nnonce\nbody\n` by the key
/// the serial names. Only our configured WeChat Pay public key (`PUB_KEY_ID_…`) is accepted.
struct WeChatPayVerifier: Sendable {
    static let signTestPrefix = "WECHATPAY/SIGNTEST/"
    /// How far a notification's timestamp may be from now (seconds).
    static let maxSkew: TimeInterval = 300

    let publicKey: RSA2PublicKey
    let publicKeyID: String

    enum Failure: Error, Equatable {
        case missingHeaders, signatureProbe, unknownSerial, staleTimestamp, badSignature
    }

    /// `headers` with lower-cased names (as `OutboundResponse` has them); nil `now` skips the
    /// timestamp window.
    func verify(headers: [String: String], body: [UInt8], now: Date?) -> Failure? {
        guard let timestamp = headers["wechatpay-timestamp"], let nonce = headers["wechatpay-nonce"],
              let signature = headers["wechatpay-signature"], let serial = headers["wechatpay-serial"],
              !timestamp.isEmpty, !nonce.isEmpty, !signature.isEmpty else { return .missingHeaders }
        // WeChat's deliberate probe traffic: it must fail verification.
        if signature.hasPrefix(Self.signTestPrefix) { return .signatureProbe }
        if let type = headers["wechatpay-signature-type"], type != WeChatPaySigning.schema { return .badSignature }
        guard serial == publicKeyID else { return .unknownSerial }
        if let now {
            guard let seconds = Int64(timestamp), abs(Double(seconds) - now.timeIntervalSince1970) <= Self.maxSkew else {
                return .staleTimestamp
            }
        }
        guard let decoded = Data(base64Encoded: signature) else { return .badSignature }
        let message = Array("\(timestamp)\n\(nonce)\n".utf8) + body + [UInt8(ascii: "\n")]
        return publicKey.verify(signature: Array(decoded), message: message) ? nil : .badSignature
    }

    /// Header names lower-cased, so callers may pass them as any framework spells them.
    static func normalized(_ headers: [String: String]) -> [String: String] {
        Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
