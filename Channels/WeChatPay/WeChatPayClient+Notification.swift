import Foundation
import HuiminCore

extension WeChatPayClient {
    /// Verifies `Wechatpay-Timestamp/Nonce/Signature/Serial` over `ts\nnonce\nbody\n` with the
    /// platform key (rejecting `WECHATPAY/SIGNTEST/` probes, a serial that is not ours and
    /// timestamps more than 5 minutes from `now`), then decrypts `resource` (AEAD_AES_256_GCM with
    /// the APIv3 key) and decodes it. Header names may be spelled in any case.
    ///
    /// Errors: 401 `notification_signature_invalid`, 400 `notification_malformed`.
    public func notification(headers: [String: String], body: [UInt8], now: Date) throws -> WeChatPayNotification {
        if verifier.verify(headers: WeChatPayVerifier.normalized(headers), body: body, now: now) != nil {
            throw WeChatPayErrors.notificationSignatureInvalid
        }
        let decoder = JSONDecoder()
        guard let envelope = try? decoder.decode(WeChatPayWire.Notification.self, from: Data(body)),
              let plain = WeChatPayResource.decrypt(envelope.resource, apiV3Key: configuration.apiV3Key) else {
            throw WeChatPayErrors.notificationMalformed
        }
        let kind = envelope.resource.original_type
            ?? (envelope.event_type?.hasPrefix("REFUND.") == true ? "refund" : "transaction")
        switch kind {
        case "transaction":
            guard let wire = try? decoder.decode(WeChatPayWire.Transaction.self, from: Data(plain)) else {
                throw WeChatPayErrors.notificationMalformed
            }
            return .transaction(id: envelope.id, WeChatPayResource.transaction(wire))
        case "refund":
            guard let wire = try? decoder.decode(WeChatPayWire.Refund.self, from: Data(plain)),
                  let refund = WeChatPayResource.refund(wire) else {
                throw WeChatPayErrors.notificationMalformed
            }
            return .refund(id: envelope.id, refund)
        default:
            throw WeChatPayErrors.notificationMalformed
        }
    }
}
