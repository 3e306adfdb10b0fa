import Crypto
import Foundation
import HuiminCore

/// Resources WeChat Pay encrypts with the APIv3 key (AEAD_AES_256_GCM): the nonce is 12 ASCII
/// characters, the associated data is text (possibly empty), the ciphertext is base64 of the
/// encrypted bytes followed by the 16-byte tag.
enum WeChatPayResource {
    static func decrypt(_ resource: WeChatPayWire.Resource, apiV3Key: [UInt8]) -> [UInt8]? {
        guard resource.algorithm == "AEAD_AES_256_GCM", apiV3Key.count == 32,
              let combined = Data(base64Encoded: resource.ciphertext), combined.count > 16,
              let nonce = try? AES.GCM.Nonce(data: Array(resource.nonce.utf8)) else { return nil }
        let bytes = Array(combined)
        guard let box = try? AES.GCM.SealedBox(nonce: nonce, ciphertext: bytes.dropLast(16), tag: bytes.suffix(16)),
              let plain = try? AES.GCM.open(box, using: SymmetricKey(data: apiV3Key),
                                            authenticating: Array((resource.associated_data ?? "").utf8))
        else { return nil }
        return Array(plain)
    }

    static func transaction(_ wire: WeChatPayWire.Transaction) -> WeChatPayTransaction {
        WeChatPayTransaction(
            outTradeNo: wire.out_trade_no, transactionID: wire.transaction_id, tradeState: wire.trade_state,
            amountFen: wire.amount?.total ?? 0, payerFen: wire.amount?.payer_total,
            successTime: wire.success_time.flatMap(WeChatPayTime.date), payerOpenID: wire.payer?.openid)
    }

    static func refund(_ wire: WeChatPayWire.Refund) -> WeChatPayRefund? {
        guard let status = wire.status ?? wire.refund_status else { return nil }
        return WeChatPayRefund(
            outRefundNo: wire.out_refund_no, refundID: wire.refund_id, outTradeNo: wire.out_trade_no, status: status,
            refundFen: wire.amount.refund, totalFen: wire.amount.total,
            successTime: wire.success_time.flatMap(WeChatPayTime.date))
    }
}
