import Foundation
import HuiminCore
import Transport

/// UnionPay 全渠道 (ACP 5.1.0) for the app / mini-program payment control: 消费 through
/// appTransReq.do (the `tn` the front end passes to the control), transaction queries, 退货
/// (refunds), their notifications to backUrl and the daily bill (fileTransfer.do).
///
/// Every call is a form POST signed with the merchant key (`signMethod=01`, `certId`). Every
/// answer must carry a `signature` that verifies with UnionPay's configured public key, or it is
/// refused (`unionpay_response_unsigned`); an unsigned refusal is still read as the refusal it
/// states. A refusal (`respCode` ≠ 00) is `unionpay_<respCode>`.
///
/// UnionPay has no API to close an unpaid consume: it stops being payable at its `payTimeout`,
/// after which a query reads `failed`.
public struct UnionPayClient: Sendable {
    static let version = "5.1.0"

    let configuration: UnionPayConfiguration
    let transport: HTTPTransport
    let clock: any HuiminClock

    public init(configuration: UnionPayConfiguration, transport: HTTPTransport, clock: any HuiminClock = SystemClock()) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
    }

    // MARK: Consume

    /// Opens the consume (txnType 01, txnSubType 01, bizType 000201, channelType 08). The same
    /// orderId twice is `unionpay_12` (409): a retry needs a query, not a second order.
    public func consume(_ order: UnionPayOrder) async throws -> UnionPayCreated {
        try Self.check(orderID: order.orderID, amountFen: order.amountFen)
        let txnTime = UnionPayTime.string(order.txnTime)
        var fields: [(String, String)] = [
            ("txnType", "01"), ("txnSubType", "01"), ("bizType", "000201"), ("channelType", "08"),
            ("orderId", order.orderID), ("txnTime", txnTime), ("txnAmt", String(order.amountFen)),
            ("currencyCode", "156"), ("backUrl", configuration.backURL),
            ("payTimeout", UnionPayTime.string(order.payTimeout)),
        ]
        if let reserved = order.reserved { fields.append(("reqReserved", reserved)) }
        let answer = try await call("appTransReq.do", fields)
        guard let tn = answer["tn"], !tn.isEmpty, answer["orderId"] ?? order.orderID == order.orderID else {
            throw UnionPayErrors.badResponse
        }
        return UnionPayCreated(tn: tn, orderID: order.orderID, txnTime: txnTime, amountFen: order.amountFen,
                               payTimeout: order.payTimeout)
    }

    /// queryTrans.do (txnType 00) for the transaction `orderID` sent at `txnTime`. An unknown one
    /// is `unionpay_34` (404).
    public func query(orderID: String, txnTime: String) async throws -> UnionPayTransaction {
        let answer = try await call("queryTrans.do", [
            ("txnType", "00"), ("txnSubType", "00"), ("bizType", "000000"), ("orderId", orderID), ("txnTime", txnTime),
        ])
        guard let orig = answer["origRespCode"], !orig.isEmpty else { throw UnionPayErrors.badResponse }
        return UnionPayTransaction(
            orderID: answer["orderId"] ?? orderID, txnTime: answer["txnTime"] ?? txnTime, txnType: answer["txnType"] ?? "",
            state: Self.state(origRespCode: orig), origRespCode: orig, origRespMsg: answer["origRespMsg"],
            queryID: Self.nonEmpty(answer["queryId"]), amountFen: try Self.optionalFen(answer["txnAmt"]),
            settleDate: Self.nonEmpty(answer["settleDate"]), traceTime: Self.nonEmpty(answer["traceTime"]),
            traceNo: Self.nonEmpty(answer["traceNo"]), accountNo: Self.nonEmpty(answer["accNo"]),
            reserved: Self.nonEmpty(answer["reqReserved"]), origQueryID: Self.nonEmpty(answer["origQryId"]))
    }

    // MARK: Refunds

    /// 退货 (txnType 04, txnSubType 00) of part or all of a paid consume. UnionPay answers
    /// "accepted" (`state == .paying`); the result comes to backUrl or through `queryRefund`.
    /// Refunds may be partial and repeated until the payment is used up; more than what is left is
    /// `unionpay_36` (409). Asking again with the same `orderID` and `txnTime` (a retry) answers the
    /// first refund; the same number with another amount or payment stays `unionpay_12` (409).
    public func refund(_ request: UnionPayRefundRequest) async throws -> UnionPayRefund {
        try Self.check(orderID: request.orderID, amountFen: request.amountFen)
        let txnTime = UnionPayTime.string(request.txnTime)
        let answer: [String: String]
        do {
            answer = try await call("backTransReq.do", [
                ("txnType", "04"), ("txnSubType", "00"), ("bizType", "000201"), ("channelType", "08"),
                ("orderId", request.orderID), ("origQryId", request.origQueryID), ("txnTime", txnTime),
                ("txnAmt", String(request.amountFen)), ("currencyCode", "156"), ("backUrl", configuration.backURL),
                ("reqReserved", request.origOrderID),
            ])
        } catch let error as AppError where error.code == "unionpay_12" {
            // 重复交易: this refund number was used. If it is this very refund, answer it.
            guard let first = try? await queryRefund(orderID: request.orderID, txnTime: txnTime),
                  first.amountFen == request.amountFen,
                  first.origQueryID == nil || first.origQueryID == request.origQueryID else { throw error }
            return first
        }
        return UnionPayRefund(orderID: request.orderID, txnTime: txnTime,
                              origQueryID: answer["origQryId"] ?? request.origQueryID,
                              queryID: Self.nonEmpty(answer["queryId"]), amountFen: request.amountFen, state: .paying,
                              settleDate: nil)
    }

    /// The refund `orderID` sent at `txnTime` as queryTrans.do reports it.
    public func queryRefund(orderID: String, txnTime: String) async throws -> UnionPayRefund {
        let transaction = try await query(orderID: orderID, txnTime: txnTime)
        guard transaction.txnType.isEmpty || transaction.txnType == "04", let amount = transaction.amountFen else {
            throw UnionPayErrors.badResponse
        }
        return UnionPayRefund(orderID: transaction.orderID, txnTime: transaction.txnTime,
                              origQueryID: transaction.origQueryID,
                              queryID: transaction.queryID, amountFen: amount, state: transaction.state,
                              settleDate: transaction.settleDate)
    }

    // MARK: Gateway

    /// Signs and sends one request to `/gateway/api/<path>`; returns the verified answer's fields
    /// when `respCode` is 00, else throws the refusal it states.
    func call(_ path: String, _ fields: [(String, String)]) async throws -> [String: String] {
        var parameters: [(String, String)] = [
            ("version", Self.version), ("encoding", "UTF-8"), ("signMethod", "01"), ("certId", configuration.certID),
            ("accessType", "0"), ("merId", configuration.merchantID),
        ] + fields
        parameters.append(("signature", try UnionPaySignature.sign(parameters, with: configuration.merchantPrivateKey)))
        let response: OutboundResponse
        do {
            response = try await transport.send(OutboundRequest(
                method: "POST", url: configuration.baseURL + "/gateway/api/" + path,
                headers: [("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")],
                body: Array(PercentEncoding.query(parameters).utf8)))
        } catch {
            throw UnionPayErrors.transport(error)
        }
        guard response.status == 200, let text = String(validating: response.body, as: UTF8.self) else {
            throw AppError.upstream("unionpay_bad_response", "UnionPay answered with HTTP \(response.status).")
        }
        let pairs = UnionPayForm.answer(text)
        let answer = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        guard let respCode = answer["respCode"], !respCode.isEmpty else { throw UnionPayErrors.badResponse }
        if let signature = answer["signature"], !signature.isEmpty {
            guard UnionPaySignature.verify(pairs, with: configuration.unionPayPublicKey) else {
                throw UnionPayErrors.responseUnsigned
            }
        } else if respCode == "00" {
            throw UnionPayErrors.responseUnsigned
        }
        guard respCode == "00" else { throw UnionPayErrors.gateway(respCode: respCode, respMsg: answer["respMsg"]) }
        if let merID = answer["merId"], merID != configuration.merchantID { throw UnionPayErrors.badResponse }
        return answer
    }

    /// What UnionPay would refuse anyway (respCode 10), refused before sending.
    static func check(orderID: String, amountFen: Int64) throws {
        guard UnionPayTime.orderIDValid(orderID) else {
            throw AppError.invalid("unionpay_order_id_invalid", "An orderId must be 8 to 32 letters and digits.")
        }
        guard amountFen > 0 else {
            throw AppError.invalid("unionpay_amount_invalid", "An amount must be at least 1 fen.")
        }
    }

    static func state(origRespCode: String) -> UnionPayState {
        switch origRespCode {
        case "00", "A6": return .paid
        case "03", "04", "05": return .paying
        default: return .failed
        }
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    /// `txnAmt`: whole fen, digits only.
    static func fen(_ text: String) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 12, text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
        return Int64(text)
    }

    static func optionalFen(_ text: String?) throws -> Int64? {
        guard let text, !text.isEmpty else { return nil }
        guard let fen = fen(text) else { throw UnionPayErrors.badResponse }
        return fen
    }
}
