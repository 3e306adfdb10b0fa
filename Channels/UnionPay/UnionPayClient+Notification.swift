import Foundation
import HuiminCore

extension UnionPayClient {
    /// Verifies a notification (the form-encoded POST UnionPay sends to backUrl): URL-decodes it,
    /// checks `signMethod=01` and the signature with UnionPay's configured key over every field but
    /// `signature` (sorted, `k=v&…`, SHA-256 hex, SHA256withRSA), checks it names our merId and
    /// reads it. Amounts are fen.
    ///
    /// Errors: 401 `notification_signature_invalid` (no or bad signature, another merchant),
    /// 400 `notification_malformed` (unreadable body, missing fields, bad amounts).
    /// Huimin answers HTTP 200 once it has recorded the notification; anything else makes UnionPay
    /// send it again later.
    public func notification(body: [UInt8]) throws -> UnionPayNotification {
        guard let pairs = UnionPayForm.urlEncoded(body), !pairs.isEmpty else { throw UnionPayErrors.notificationMalformed }
        let fields = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        guard fields["signMethod"] == "01", UnionPaySignature.verify(pairs, with: configuration.unionPayPublicKey) else {
            throw UnionPayErrors.notificationSignatureInvalid
        }
        guard fields["merId"] == configuration.merchantID else { throw UnionPayErrors.notificationSignatureInvalid }
        func required(_ name: String) throws -> String {
            guard let value = fields[name], !value.isEmpty else { throw UnionPayErrors.notificationMalformed }
            return value
        }
        func fen(_ name: String) throws -> Int64? {
            guard let text = fields[name], !text.isEmpty else { return nil }
            guard let fen = Self.fen(text) else { throw UnionPayErrors.notificationMalformed }
            return fen
        }
        let txnType = try required("txnType")
        guard txnType == "01" || txnType == "04", let amount = try fen("txnAmt") else {
            throw UnionPayErrors.notificationMalformed
        }
        let origQueryID = Self.nonEmpty(fields["origQryId"])
        if txnType == "04", origQueryID == nil { throw UnionPayErrors.notificationMalformed }
        return UnionPayNotification(
            txnType: txnType, orderID: try required("orderId"), txnTime: try required("txnTime"),
            queryID: try required("queryId"), amountFen: amount, respCode: try required("respCode"),
            respMsg: fields["respMsg"], settleDate: Self.nonEmpty(fields["settleDate"]), settleAmountFen: try fen("settleAmt"),
            traceTime: Self.nonEmpty(fields["traceTime"]), traceNo: Self.nonEmpty(fields["traceNo"]),
            origQueryID: origQueryID, accountNo: Self.nonEmpty(fields["accNo"]), reserved: Self.nonEmpty(fields["reqReserved"]))
    }
}
