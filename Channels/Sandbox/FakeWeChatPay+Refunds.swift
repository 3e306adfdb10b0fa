import Foundation
import HuiminCore

/// `POST /v3/refund/domestic/refunds` and `GET /v3/refund/domestic/refunds/{out_refund_no}`.
/// A refund succeeds at once (or stays PROCESSING when held by a control route) and a
/// REFUND.<status> notification goes to its notify_url, or the merchant's refund notify URL.
extension FakeWeChatPay {
    static let maxRefundsPerOrder = 50

    struct RefundAmountIn: Decodable {
        let refund: Int64?
        let total: Int64?
        let currency: String?
    }

    struct RefundIn: Decodable {
        let transaction_id: String?
        let out_trade_no: String?
        let out_refund_no: String?
        let reason: String?
        let notify_url: String?
        let funds_account: String?
        let amount: RefundAmountIn?
    }

    struct RefundOut: Encodable {
        struct Amount: Encodable {
            let total: Int64
            let refund: Int64
            let from: [String]
            let payer_total: Int64
            let payer_refund: Int64
            let settlement_refund: Int64
            let settlement_total: Int64
            let discount_refund: Int64
            let currency: String
            let refund_fee: Int64
        }

        let refund_id: String
        let out_refund_no: String
        let transaction_id: String
        let out_trade_no: String
        let channel: String
        let user_received_account: String
        let success_time: String?
        let create_time: String
        let status: String
        let funds_account: String
        let amount: Amount
        let promotion_detail: [String]
    }

    /// The decrypted resource of a refund notification.
    struct RefundResource: Encodable {
        struct Amount: Encodable {
            let total: Int64
            let refund: Int64
            let payer_total: Int64
            let payer_refund: Int64
        }

        let mchid: String
        let out_trade_no: String
        let transaction_id: String
        let out_refund_no: String
        let refund_id: String
        let refund_status: String
        let success_time: String?
        let user_received_account: String
        let amount: Amount
    }

    static func refundOut(_ refund: FakeWeChatPayLedger.Refund, payerTotal: Int64) -> RefundOut {
        RefundOut(
            refund_id: refund.refundID, out_refund_no: refund.outRefundNo, transaction_id: refund.transactionID,
            out_trade_no: refund.outTradeNo, channel: "ORIGINAL", user_received_account: "支付用户零钱",
            success_time: refund.successTime.map(FakeWeChatPayProtocol.time),
            create_time: FakeWeChatPayProtocol.time(refund.createdAt), status: refund.status, funds_account: "AVAILABLE",
            amount: .init(total: refund.totalFen, refund: refund.refundFen, from: [], payer_total: payerTotal,
                          payer_refund: refund.refundFen, settlement_refund: refund.refundFen,
                          settlement_total: refund.totalFen, discount_refund: 0, currency: "CNY", refund_fee: 0),
            promotion_detail: [])
    }

    func refund(_ body: [UInt8]) async throws -> FakeWeChatPayProtocol.Answer {
        let now = clock.now()
        guard let request = try? JSONDecoder().decode(RefundIn.self, from: Data(body)) else {
            return wire.error(400, "PARAM_ERROR", "输入源“/body”映射到值字段失败")
        }
        guard let outRefundNo = request.out_refund_no,
              FakeWeChatPayProtocol.matches(outRefundNo, allowed: "_-|*@", length: 1...64) else {
            return wire.error(400, "PARAM_ERROR", "out_refund_no 须为 1 到 64 位数字、字母或 _-|*@")
        }
        guard request.out_trade_no != nil || request.transaction_id != nil else {
            return wire.error(400, "PARAM_ERROR", "transaction_id 和 out_trade_no 必须二选一")
        }
        guard let refundFen = request.amount?.refund, refundFen > 0, let totalFen = request.amount?.total, totalFen > 0,
              (request.amount?.currency ?? "CNY") == "CNY" else {
            return wire.error(400, "PARAM_ERROR", "amount.refund 与 amount.total 须大于 0，币种为 CNY")
        }
        guard (request.reason ?? "").count <= 80 else {
            return wire.error(400, "PARAM_ERROR", "reason 长度不能超过 80")
        }
        if let url = request.notify_url, !FakeWeChatPayProtocol.notifyURLValid(url) {
            return wire.error(400, "PARAM_ERROR", "notify_url 须为不带参数的绝对 URL")
        }
        let outcome: Result<(FakeWeChatPayLedger.Refund, Int64, Bool), RefundRefusal> = ledger.withState { state in
            let order = request.out_trade_no.flatMap { state.orders[$0] }
                ?? state.orders.values.first { $0.transactionID != nil && $0.transactionID == request.transaction_id }
            guard var order, let transactionID = order.transactionID else {
                return .failure(order == nil ? .init(404, "RESOURCE_NOT_EXISTS", "订单不存在")
                                             : .init(400, "INVALID_REQUEST", "订单未支付，不能退款"))
            }
            if let existing = state.refunds[outRefundNo] {
                // The same refund number is the same refund, however often it is asked for.
                guard existing.outTradeNo == order.outTradeNo, existing.refundFen == refundFen else {
                    return .failure(.init(400, "INVALID_REQUEST", "退款单号已存在，且与本次请求的订单或金额不一致"))
                }
                return .success((existing, order.payerFen ?? order.totalFen, false))
            }
            guard totalFen == order.totalFen else {
                return .failure(.init(400, "INVALID_REQUEST", "订单金额或退款金额与之前请求不一致，请核实后再试"))
            }
            let refunds = order.refundNos.compactMap { state.refunds[$0] }
            guard refunds.count < Self.maxRefundsPerOrder else {
                return .failure(.init(400, "INVALID_REQUEST", "订单已经超过可退款的最大次数"))
            }
            let refunded = refunds.filter { $0.status != "CLOSED" }.reduce(Int64(0)) { $0 + $1.refundFen }
            guard refunded + refundFen <= order.totalFen else {
                return .failure(.init(403, "NOT_ENOUGH", "申请退款金额超过订单可退金额"))
            }
            let hold = state.heldRefunds > 0
            if hold { state.heldRefunds -= 1 }
            let refund = FakeWeChatPayLedger.Refund(
                outRefundNo: outRefundNo,
                refundID: "50" + SandboxHTTP.randomString(27, alphabet: SandboxHTTP.digits),
                outTradeNo: order.outTradeNo, transactionID: transactionID, refundFen: refundFen, totalFen: totalFen,
                status: hold ? "PROCESSING" : "SUCCESS", createdAt: now, successTime: hold ? nil : now,
                notifyURL: request.notify_url ?? merchant.refundNotifyURL, reason: request.reason)
            state.refunds[outRefundNo] = refund
            order.refundNos.append(outRefundNo)
            order.state = "REFUND"
            state.orders[order.outTradeNo] = order
            return .success((refund, order.payerFen ?? order.totalFen, true))
        }
        switch outcome {
        case .failure(let refusal):
            return wire.error(refusal.status, refusal.code, refusal.message)
        case .success(let (refund, payerTotal, created)):
            if created, refund.status != "PROCESSING" {
                // WeChat Pay notifies after answering; so does the fake.
                Task(executorPreference: SandboxThreads.shared) { await notifyRefund(refund, payerTotal: payerTotal) }
            }
            return wire.answer(Self.refundOut(refund, payerTotal: payerTotal))
        }
    }

    struct RefundRefusal: Error {
        let status: Int
        let code: String
        let message: String

        init(_ status: Int, _ code: String, _ message: String) {
            self.status = status
            self.code = code
            self.message = message
        }
    }

    func queryRefund(_ outRefundNo: String) -> FakeWeChatPayProtocol.Answer {
        let found = ledger.withState { state in
            state.refunds[outRefundNo].map { ($0, state.orders[$0.outTradeNo].map { $0.payerFen ?? $0.totalFen } ?? 0) }
        }
        guard let (refund, payerTotal) = found else {
            return wire.error(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
        }
        return wire.answer(Self.refundOut(refund, payerTotal: payerTotal))
    }

    /// Posts REFUND.<status> to the refund's notify URL (none configured: nothing is sent).
    @discardableResult
    func notifyRefund(_ refund: FakeWeChatPayLedger.Refund, payerTotal: Int64) async -> FakeWeChatPayNotifier.Report? {
        guard let url = refund.notifyURL else { return nil }
        let resource = RefundResource(
            mchid: merchant.mchid, out_trade_no: refund.outTradeNo, transaction_id: refund.transactionID,
            out_refund_no: refund.outRefundNo, refund_id: refund.refundID, refund_status: refund.status,
            success_time: refund.successTime.map(FakeWeChatPayProtocol.time), user_received_account: "支付用户零钱",
            amount: .init(total: refund.totalFen, refund: refund.refundFen, payer_total: payerTotal,
                          payer_refund: refund.refundFen))
        let summary = ["SUCCESS": "退款成功", "ABNORMAL": "退款异常", "CLOSED": "退款关闭"][refund.status] ?? "退款"
        return await notifier.deliver(eventType: "REFUND.\(refund.status)", summary: summary, originalType: "refund",
                                      plaintext: FakeWeChatPayProtocol.encode(resource), url: url,
                                      outTradeNo: refund.outTradeNo)
    }
}
