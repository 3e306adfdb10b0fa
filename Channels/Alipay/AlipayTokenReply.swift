import Foundation
import HuiminCore
import Transport

/// Reads the gateway's answer to `alipay.system.oauth.token`:
/// `{"alipay_system_oauth_token_response": {...}, "sign": "..."}` or `{"error_response": {...}}`.
enum AlipayTokenReply {
    private struct Envelope: Decodable {
        let token: Token?
        let error: ErrorNode?
        let sign: String?

        enum CodingKeys: String, CodingKey {
            case token = "alipay_system_oauth_token_response"
            case error = "error_response"
            case sign
        }
    }

    /// `access_token` and friends are not decoded: Huimin calls no user-authorised APIs with them.
    private struct Token: Decodable {
        let user_id: String?
        let open_id: String?
    }

    private struct ErrorNode: Decodable {
        let code: String
        let sub_code: String?
    }

    static func user(from response: OutboundResponse, verifyingWith alipayPublicKey: RSA2PublicKey) throws -> AlipayUser {
        let envelope = try response.decode(Envelope.self)
        // An error answer carries nothing we act on except refusing, so it needs no signature check.
        if let error = envelope.error {
            throw AlipayErrors.error(code: error.code, subCode: error.sub_code)
        }
        guard let token = envelope.token else {
            throw AppError.upstream("channel_bad_response", "Alipay's login answer had no token.")
        }
        guard let sign = envelope.sign,
              let nodeText = JSONMemberText.value(of: AlipayLogin.responseNode, in: response.body),
              AlipaySignature.verify(nodeText: nodeText, sign: sign, with: alipayPublicKey) else {
            throw AlipayErrors.signatureInvalid
        }
        guard let userID = [token.open_id, token.user_id].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            throw AppError.upstream("channel_bad_response", "Alipay's login answer had no user ID.")
        }
        return AlipayUser(userID: userID)
    }
}
