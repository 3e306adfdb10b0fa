import Foundation
import HuiminCore
import Transport

/// WeChat Pay API v3 for a normal (directly connected) merchant: JSAPI/mini-program orders, query,
/// close, refunds, the daily trade bill, and the notifications WeChat Pay posts back.
///
/// Every request is signed with the merchant key over the exact bytes sent; every answer except
/// the bill file must verify with the WeChat Pay public key, or it is refused
/// (`wechatpay_response_unsigned`).
public struct WeChatPayClient: Sendable {
    let configuration: WeChatPayConfiguration
    let transport: HTTPTransport
    let clock: any HuiminClock
    let verifier: WeChatPayVerifier

    public init(configuration: WeChatPayConfiguration, transport: HTTPTransport, clock: any HuiminClock = SystemClock()) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
        self.verifier = WeChatPayVerifier(publicKey: configuration.platformPublicKey,
                                          publicKeyID: configuration.platformPublicKeyID)
    }

    // MARK: Orders

    /// Places the JSAPI order and signs the parameters of `wx.requestPayment`. Placing the same
    /// order again before it expires yields a fresh prepay ID for the same order; a paid one is
    /// `wechatpay_orderpaid` (409).
    public func prepay(_ order: WeChatPayOrder) async throws -> WeChatPayPrepay {
        let body = try WeChatPayWire.encoder.encode(WeChatPayWire.JSAPIOrder(
            appid: configuration.appid, mchid: configuration.mchid, description: order.description,
            out_trade_no: order.outTradeNo, time_expire: WeChatPayTime.string(order.expiresAt), attach: order.attach,
            notify_url: configuration.notifyURL, amount: .init(total: order.amountFen, currency: "CNY"),
            payer: .init(openid: order.payerOpenID)))
        let response = try await send("POST", "/v3/pay/transactions/jsapi", body: Array(body))
        let prepayID = try decode(WeChatPayWire.PrepayReply.self, response).prepay_id
        let timeStamp = WeChatPaySigning.timestamp(clock.now())
        let nonceStr = WeChatPaySigning.nonce()
        let package = "prepay_id=" + prepayID
        let paySign = try WeChatPaySigning.paySign(appID: configuration.appid, timeStamp: timeStamp, nonceStr: nonceStr,
                                                   package: package, key: configuration.merchantKey)
        return WeChatPayPrepay(prepayID: prepayID, requestPayment: [
            "appId": configuration.appid, "timeStamp": timeStamp, "nonceStr": nonceStr, "package": package,
            "signType": "RSA", "paySign": paySign,
        ])
    }

    /// The order as WeChat Pay sees it; an unknown one is `wechatpay_order_not_found` (404).
    public func query(outTradeNo: String) async throws -> WeChatPayTransaction {
        let response = try await send("GET", "/v3/pay/transactions/out-trade-no/\(Self.segment(outTradeNo))"
                                          + "?mchid=\(Self.segment(configuration.mchid))")
        return WeChatPayResource.transaction(try decode(WeChatPayWire.Transaction.self, response))
    }

    /// Closes an unpaid order (204). A paid one is `wechatpay_orderpaid`.
    public func close(outTradeNo: String) async throws {
        let body = try WeChatPayWire.encoder.encode(WeChatPayWire.CloseBody(mchid: configuration.mchid))
        _ = try await send("POST", "/v3/pay/transactions/out-trade-no/\(Self.segment(outTradeNo))/close",
                           body: Array(body))
    }

    // MARK: Refunds

    /// Asks for a refund. The same `outRefundNo` again returns the same refund, never a second one.
    public func refund(_ request: WeChatPayRefundRequest) async throws -> WeChatPayRefund {
        let body = try WeChatPayWire.encoder.encode(WeChatPayWire.RefundBody(
            out_trade_no: request.outTradeNo, out_refund_no: request.outRefundNo, reason: request.reason,
            notify_url: configuration.refundNotifyURL,
            amount: .init(refund: request.refundFen, total: request.totalFen, currency: "CNY")))
        return try refund(from: try await send("POST", "/v3/refund/domestic/refunds", body: Array(body)))
    }

    public func queryRefund(outRefundNo: String) async throws -> WeChatPayRefund {
        try refund(from: try await send("GET", "/v3/refund/domestic/refunds/\(Self.segment(outRefundNo))"))
    }

    private func refund(from response: OutboundResponse) throws -> WeChatPayRefund {
        guard let refund = WeChatPayResource.refund(try decode(WeChatPayWire.Refund.self, response)) else {
            throw WeChatPayErrors.badResponse
        }
        return refund
    }

    // MARK: Transport, signatures, errors

    /// Signs and sends one call; answers other than 2xx become errors, and every answer must carry a
    /// valid platform signature unless `signed` is false (the bill file).
    func send(_ method: String, _ pathAndQuery: String, body: [UInt8] = [], url: String? = nil,
              signed: Bool = true) async throws -> OutboundResponse {
        let timestamp = WeChatPaySigning.timestamp(clock.now())
        let authorization = try WeChatPaySigning.authorization(
            mchid: configuration.mchid, serialNo: configuration.merchantSerialNo, key: configuration.merchantKey,
            method: method, pathAndQuery: pathAndQuery, timestamp: timestamp, nonce: WeChatPaySigning.nonce(), body: body)
        var headers = [("Authorization", authorization), ("Accept", "application/json"),
                       ("User-Agent", "Huimin-WeChatPay/1.0")]
        if method != "GET" { headers.append(("Content-Type", "application/json")) }
        let response: OutboundResponse
        do {
            response = try await transport.send(OutboundRequest(method: method, url: url ?? configuration.baseURL + pathAndQuery,
                                                                headers: headers, body: body))
        } catch {
            throw WeChatPayErrors.transport(error)
        }
        let success = (200..<300).contains(response.status)
        // An unsigned 2xx is treated as forged; an error answer is checked when it carries a signature.
        if (signed && success) || response.headers["wechatpay-signature"] != nil {
            if verifier.verify(headers: response.headers, body: response.body, now: nil) != nil {
                throw WeChatPayErrors.responseUnsigned
            }
        }
        guard success else {
            guard let error = try? JSONDecoder().decode(WeChatPayWire.ErrorReply.self, from: Data(response.body)) else {
                throw AppError.upstream("wechatpay_bad_response", "WeChat Pay answered with HTTP \(response.status).")
            }
            throw WeChatPayErrors.vendor(code: error.code, message: error.message, httpStatus: response.status)
        }
        return response
    }

    func decode<T: Decodable>(_ type: T.Type, _ response: OutboundResponse) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            throw WeChatPayErrors.badResponse
        }
    }

    /// One path segment, percent-encoded (`|` in a trade number must not reach the request line raw).
    static func segment(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-_.~*")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
