import Foundation
import HuiminCore

extension AlipayPayClient {
    /// Verifies an async notification (the form-encoded POST body Alipay sends to notify_url):
    /// URL-decodes it, drops `sign` **and** `sign_type` (unlike requests, where sign_type is signed)
    /// and empty values, sorts by key, joins `k=v&…` and RSA2-verifies with Alipay's public key;
    /// then checks it names our `app_id` (and our `seller_id` when configured) and reads it.
    /// Amounts are returned in fen.
    ///
    /// Errors: 401 `notification_signature_invalid` (no or bad signature, another app or seller),
    /// 400 `notification_malformed` (unreadable body, missing fields, bad amounts or times).
    /// Huimin must answer the literal body `success` once it has recorded the notification.
    public func notification(body: [UInt8]) throws -> AlipayNotification {
        guard let pairs = Self.form(body), !pairs.isEmpty else { throw AlipayPayErrors.notificationMalformed }
        let fields = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        guard let sign = fields["sign"], !sign.isEmpty,
              AlipaySignature.verify(nodeText: Array(Self.notificationContent(pairs).utf8), sign: sign,
                                     with: configuration.alipayPublicKey) else {
            throw AlipayPayErrors.notificationSignatureInvalid
        }
        if let signType = fields["sign_type"], signType != "RSA2" { throw AlipayPayErrors.notificationSignatureInvalid }
        guard fields["app_id"] == configuration.appID else { throw AlipayPayErrors.notificationSignatureInvalid }
        if !configuration.sellerID.isEmpty, let seller = fields["seller_id"], seller != configuration.sellerID {
            throw AlipayPayErrors.notificationSignatureInvalid
        }
        func required(_ name: String) throws -> String {
            guard let value = fields[name], !value.isEmpty else { throw AlipayPayErrors.notificationMalformed }
            return value
        }
        func fen(_ name: String) throws -> Int64? {
            guard let text = fields[name], !text.isEmpty else { return nil }
            guard let fen = AlipayMoney.fen(text) else { throw AlipayPayErrors.notificationMalformed }
            return fen
        }
        func time(_ name: String) throws -> Date? {
            guard let text = fields[name], !text.isEmpty else { return nil }
            guard let date = AlipayTime.date(text) else { throw AlipayPayErrors.notificationMalformed }
            return date
        }
        let status = try required("trade_status")
        guard ["WAIT_BUYER_PAY", "TRADE_CLOSED", "TRADE_SUCCESS", "TRADE_FINISHED"].contains(status) else {
            throw AlipayPayErrors.notificationMalformed
        }
        return AlipayNotification(
            notifyID: try required("notify_id"), notifyTime: try time("notify_time"), tradeNo: try required("trade_no"),
            outTradeNo: try required("out_trade_no"), tradeStatus: status, totalFen: try fen("total_amount"),
            receiptFen: try fen("receipt_amount"), buyerPayFen: try fen("buyer_pay_amount"),
            refundFeeFen: try fen("refund_fee"), outBizNo: fields["out_biz_no"].flatMap { $0.isEmpty ? nil : $0 },
            paidAt: try time("gmt_payment"), refundedAt: try time("gmt_refund"), closedAt: try time("gmt_close"),
            buyerID: fields["buyer_open_id"] ?? fields["buyer_id"], sellerID: fields["seller_id"],
            passback: fields["passback_params"])
    }

    /// What a notification's signature covers: every field but `sign` and `sign_type`, empty
    /// values skipped, sorted by key, `k=v` joined with `&`, raw values.
    static func notificationContent(_ pairs: [(String, String)]) -> String {
        pairs.filter { $0.0 != "sign" && $0.0 != "sign_type" && !$0.1.isEmpty }
            .sorted { $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    /// `application/x-www-form-urlencoded` in UTF-8: `+` is a space, `%XY` a byte. Nil when a
    /// percent escape is broken or the bytes are not UTF-8.
    static func form(_ body: [UInt8]) -> [(String, String)]? {
        guard let text = String(validating: body, as: UTF8.self) else { return nil }
        var pairs: [(String, String)] = []
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]), !name.isEmpty,
                  let value = parts.count > 1 ? decode(parts[1]) : "" else { return nil }
            pairs.append((name, value))
        }
        return pairs
    }

    private static func decode(_ part: Substring) -> String? {
        String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
