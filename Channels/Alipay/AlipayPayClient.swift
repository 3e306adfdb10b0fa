import Foundation
import HuiminCore
import Transport

/// Alipay's trade APIs for the mini-program (支付宝小程序支付): alipay.trade.create (the `trade_no`
/// for `my.tradePay`), query, close, refund, refund query, the daily trade bill, and the async
/// notifications Alipay posts back.
///
/// Every call is an RSA2-signed form POST to the gateway. Every answer must carry a signature that
/// verifies with Alipay's public key over the exact text of its response node, or it is refused
/// (`alipay_response_unsigned`); an unsigned error answer is still read as the error it states.
public struct AlipayPayClient: Sendable {
    let configuration: AlipayPayConfiguration
    let transport: HTTPTransport
    let clock: any HuiminClock

    public init(configuration: AlipayPayConfiguration, transport: HTTPTransport, clock: any HuiminClock = SystemClock()) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
    }

    // MARK: Trades

    /// Creates the trade; the answer's `trade_no` goes to `my.tradePay`. Creating the same unpaid
    /// trade again answers the same trade number; a paid one is `alipay_acq_trade_has_success` (409),
    /// a closed one `alipay_acq_trade_has_close` (409).
    public func create(_ order: AlipayOrder) async throws -> AlipayCreated {
        var biz: [String: Any] = [
            "out_trade_no": order.outTradeNo, "total_amount": AlipayMoney.yuan(order.amountFen),
            "subject": order.subject, "product_code": "JSAPI_PAY", "time_expire": AlipayTime.string(order.expiresAt),
        ]
        biz[order.buyerIsUserID ? "buyer_id" : "buyer_open_id"] = order.buyerOpenID
        if let passback = order.passback { biz["passback_params"] = passback }
        let wire = try decode(AlipayPayWire.Created.self,
                              try await call("alipay.trade.create", biz: biz, notifyURL: configuration.notifyURL))
        guard let tradeNo = wire.trade_no, !tradeNo.isEmpty else { throw AlipayPayErrors.badResponse }
        return AlipayCreated(tradeNo: tradeNo, outTradeNo: wire.out_trade_no ?? order.outTradeNo)
    }

    /// The trade as Alipay sees it; an unknown one is `alipay_acq_trade_not_exist` (404).
    public func query(outTradeNo: String) async throws -> AlipayTrade {
        let wire = try decode(AlipayPayWire.Trade.self, try await call("alipay.trade.query",
                                                                       biz: ["out_trade_no": outTradeNo]))
        guard let status = wire.trade_status, let total = wire.total_amount.flatMap({ AlipayMoney.fen($0) }) else {
            throw AlipayPayErrors.badResponse
        }
        return AlipayTrade(
            tradeNo: wire.trade_no, outTradeNo: wire.out_trade_no ?? outTradeNo, tradeStatus: status, totalFen: total,
            receiptFen: try Self.optionalFen(wire.receipt_amount), buyerPayFen: try Self.optionalFen(wire.buyer_pay_amount),
            paidAt: try Self.optionalTime(wire.send_pay_date), buyerID: wire.buyer_open_id ?? wire.buyer_user_id)
    }

    /// Closes an unpaid trade. A paid one is `alipay_acq_trade_status_error` (409).
    public func close(outTradeNo: String) async throws {
        _ = try await call("alipay.trade.close", biz: ["out_trade_no": outTradeNo])
    }

    // MARK: Refunds

    /// Refunds part or all of a paid trade. The same `outRequestNo` again answers the same refund
    /// with `fundChange == false`; more than what is left is `alipay_acq_refund_amt_not_equal_total` (409).
    public func refund(_ request: AlipayRefundRequest) async throws -> AlipayRefund {
        var biz: [String: Any] = ["out_trade_no": request.outTradeNo, "out_request_no": request.outRequestNo,
                                  "refund_amount": AlipayMoney.yuan(request.refundFen)]
        if let reason = request.reason { biz["refund_reason"] = reason }
        let wire = try decode(AlipayPayWire.Refund.self, try await call("alipay.trade.refund", biz: biz))
        guard let fundChange = wire.fund_change, fundChange == "Y" || fundChange == "N" else {
            throw AlipayPayErrors.badResponse
        }
        return AlipayRefund(outTradeNo: wire.out_trade_no ?? request.outTradeNo, outRequestNo: request.outRequestNo,
                            tradeNo: wire.trade_no, refundFen: request.refundFen,
                            refundedTotalFen: try Self.optionalFen(wire.refund_fee), fundChange: fundChange == "Y",
                            status: nil, refundedAt: try Self.optionalTime(wire.gmt_refund_pay))
    }

    /// alipay.trade.fastpay.refund.query. Alipay answers success without `refund_amount` when it
    /// has no such refund; that is `alipay_refund_not_found` (404). `status` REFUND_SUCCESS is final;
    /// absent means the refund has not (yet) succeeded.
    public func queryRefund(outTradeNo: String, outRequestNo: String) async throws -> AlipayRefund {
        let wire = try decode(AlipayPayWire.RefundQuery.self, try await call(
            "alipay.trade.fastpay.refund.query",
            biz: ["out_trade_no": outTradeNo, "out_request_no": outRequestNo, "query_options": ["gmt_refund_pay"]]))
        guard let amount = wire.refund_amount, !amount.isEmpty else { throw AlipayPayErrors.refundNotFound }
        guard let refundFen = AlipayMoney.fen(amount) else { throw AlipayPayErrors.badResponse }
        return AlipayRefund(outTradeNo: wire.out_trade_no ?? outTradeNo, outRequestNo: wire.out_request_no ?? outRequestNo,
                            tradeNo: wire.trade_no, refundFen: refundFen, refundedTotalFen: nil, fundChange: nil,
                            status: wire.refund_status, refundedAt: try Self.optionalTime(wire.gmt_refund_pay))
    }

    // MARK: Gateway

    /// Signs and sends one gateway call; returns the verified response node's text when `code` is
    /// 10000, else throws the error it states.
    func call(_ method: String, biz: [String: Any], notifyURL: String? = nil) async throws -> [UInt8] {
        let reply = try await gateway(method, biz: biz, notifyURL: notifyURL)
        guard reply.isSuccess else {
            throw AlipayPayErrors.gateway(code: reply.code, msg: reply.msg, subCode: reply.subCode, subMsg: reply.subMsg)
        }
        return reply.node
    }

    /// Signs and sends one call of any gateway `method` and returns its answer, whatever its code,
    /// once the answer's signature has verified (an unsigned error answer is returned as it is).
    /// - Throws: transport failures, `alipay_bad_response`, `alipay_response_unsigned`.
    public func gateway(_ method: String, biz: [String: Any], notifyURL: String? = nil) async throws -> AlipayGatewayReply {
        let bizContent = try JSONSerialization.data(withJSONObject: biz, options: [.sortedKeys, .withoutEscapingSlashes])
        var parameters: [(String, String)] = [
            ("app_id", configuration.appID), ("method", method), ("format", "JSON"), ("charset", "utf-8"),
            ("sign_type", "RSA2"), ("timestamp", AlipayTime.string(clock.now())), ("version", "1.0"),
        ]
        if let notifyURL { parameters.append(("notify_url", notifyURL)) }
        parameters.append(("biz_content", String(decoding: bizContent, as: UTF8.self)))
        parameters.append(("sign", try AlipaySignature.sign(parameters, with: configuration.appPrivateKey)))
        let response: OutboundResponse
        do {
            response = try await transport.send(OutboundRequest(
                method: "POST", url: configuration.gatewayURL,
                headers: [("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")],
                body: Array(PercentEncoding.query(parameters).utf8)))
        } catch {
            throw AlipayPayErrors.transport(error)
        }
        guard response.status == 200 else {
            throw AppError.upstream("alipay_bad_response", "Alipay answered with HTTP \(response.status).")
        }
        guard let node = JSONMemberText.value(of: AlipayPayWire.node(of: method), in: response.body)
                ?? JSONMemberText.value(of: "error_response", in: response.body),
              let common = try? JSONDecoder().decode(AlipayPayWire.Common.self, from: Data(node)),
              let envelope = try? JSONDecoder().decode(AlipayPayWire.Envelope.self, from: Data(response.body)) else {
            throw AlipayPayErrors.badResponse
        }
        let success = common.code == "10000"
        if let sign = envelope.sign, !sign.isEmpty {
            guard AlipaySignature.verify(nodeText: node, sign: sign, with: configuration.alipayPublicKey) else {
                throw AlipayPayErrors.responseUnsigned
            }
        } else if success {
            throw AlipayPayErrors.responseUnsigned
        }
        return AlipayGatewayReply(code: common.code ?? "", msg: common.msg, subCode: common.sub_code,
                                  subMsg: common.sub_msg, node: node)
    }

    func decode<T: Decodable>(_ type: T.Type, _ node: [UInt8]) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(node))
        } catch {
            throw AlipayPayErrors.badResponse
        }
    }

    static func optionalFen(_ text: String?) throws -> Int64? {
        guard let text, !text.isEmpty else { return nil }
        guard let fen = AlipayMoney.fen(text) else { throw AlipayPayErrors.badResponse }
        return fen
    }

    static func optionalTime(_ text: String?) throws -> Date? {
        guard let text, !text.isEmpty else { return nil }
        guard let date = AlipayTime.date(text) else { throw AlipayPayErrors.badResponse }
        return date
    }
}
