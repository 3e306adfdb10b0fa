import Foundation
import HuiminCore

/// alipay.trade.refund and alipay.trade.fastpay.refund.query. Refunds succeed at once. The
/// out_request_no is the idempotency key: the same number again answers the same refund with
/// `fund_change=N`; without one, only a full refund is accepted (its number is the trade number).
/// Each refund notifies the payment's notify_url: TRADE_SUCCESS with refund fields while money
/// remains, TRADE_CLOSED once everything is refunded.
extension FakeAlipayPay {
    struct RefundOut: Encodable {
        let code = "10000"
        let msg = "Success"
        let trade_no: String
        let out_trade_no: String
        let buyer_logon_id: String
        let fund_change: String
        let refund_fee: String
        let send_back_fee: String
        let gmt_refund_pay: String
        let buyer_user_id: String?
        let buyer_open_id: String?
    }

    func refund(_ biz: [String: String]) async -> Answer {
        let now = clock.now()
        guard biz["out_trade_no"] != nil || biz["trade_no"] != nil else {
            return .business("ACQ.INVALID_PARAMETER", "out_trade_no 和 trade_no 不能同时为空")
        }
        guard let amount = biz["refund_amount"], let refundFen = Self.fen(amount) else {
            return .business("ACQ.INVALID_PARAMETER", "refund_amount 须为最多两位小数的金额")
        }
        guard refundFen > 0 else { return .business("ACQ.REASON_TRADE_REFUND_FEE_ERR", "退款金额无效") }
        if let requestNo = biz["out_request_no"], !Self.tradeNoValid(requestNo) {
            return .business("ACQ.INVALID_PARAMETER", "out_request_no 须为 1 到 64 位字母、数字或下划线")
        }
        let outcome: Result<(FakeAlipayPayLedger.Trade, FakeAlipayPayLedger.Refund, Bool), Refusal> = ledger.withState { state in
            guard var trade = trade(biz, in: &state) else { return .failure(.init("ACQ.TRADE_NOT_EXIST", "交易不存在")) }
            let explicit = biz["out_request_no"].flatMap { $0.isEmpty ? nil : $0 }
            let requestNo = explicit ?? trade.outTradeNo
            let key = FakeAlipayPayLedger.refundKey(trade.outTradeNo, requestNo)
            if let existing = state.refunds[key] {
                guard existing.refundFen == refundFen else {
                    return .failure(.init("ACQ.DISCORDANT_REPEAT_REQUEST", "不一致的请求：退款请求号已使用，金额不同"))
                }
                return .success((trade, existing, false))
            }
            switch trade.status {
            case "WAIT_BUYER_PAY": return .failure(.init("ACQ.TRADE_STATUS_ERROR", "交易状态不合法"))
            case "TRADE_CLOSED": return .failure(.init("ACQ.TRADE_HAS_CLOSE", "交易已经关闭"))
            case "TRADE_FINISHED": return .failure(.init("ACQ.TRADE_HAS_FINISHED", "交易已完结"))
            default: break
            }
            guard trade.refundedFen + refundFen <= trade.totalFen else {
                return .failure(.init("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限"))
            }
            guard explicit != nil || refundFen == trade.totalFen else {
                // A partial refund needs its own out_request_no.
                return .failure(.init("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "部分退款须提供 out_request_no"))
            }
            trade.refundedFen += refundFen
            trade.refundNos.append(requestNo)
            if trade.refundedFen == trade.totalFen {
                trade.status = "TRADE_CLOSED"
                trade.closedAt = now
            }
            state.trades[trade.outTradeNo] = trade
            let refund = FakeAlipayPayLedger.Refund(
                outTradeNo: trade.outTradeNo, outRequestNo: requestNo, tradeNo: trade.tradeNo, refundFen: refundFen,
                reason: biz["refund_reason"], at: now, refundedTotalFen: trade.refundedFen)
            state.refunds[key] = refund
            return .success((trade, refund, true))
        }
        switch outcome {
        case .failure(let refusal):
            return .business(refusal.subCode, refusal.subMsg)
        case .success(let (trade, refund, created)):
            if created {
                // Alipay notifies after answering; so does the fake.
                let notifier = self.notifier
                Task(executorPreference: SandboxThreads.shared) { _ = await notifier.deliver(trade, refund: refund) }
            }
            return .success(RefundOut(
                trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo, buyer_logon_id: "sbx***@sandbox.com",
                fund_change: created ? "Y" : "N", refund_fee: Self.yuan(created ? refund.refundedTotalFen : trade.refundedFen),
                send_back_fee: Self.yuan(created ? refund.refundFen : 0), gmt_refund_pay: FakeAlipay.beijingTime(refund.at),
                buyer_user_id: trade.buyerIsOpenID ? nil : trade.buyerID,
                buyer_open_id: trade.buyerIsOpenID ? trade.buyerID : nil))
        }
    }

    struct Refusal: Error {
        let subCode: String
        let subMsg: String

        init(_ subCode: String, _ subMsg: String) {
            self.subCode = subCode
            self.subMsg = subMsg
        }
    }

    struct RefundQueryOut: Encodable {
        let code = "10000"
        let msg = "Success"
        let trade_no: String
        let out_trade_no: String
        let out_request_no: String
        let total_amount: String?
        let refund_amount: String?
        let refund_status: String?
        let refund_reason: String?
        let gmt_refund_pay: String?
    }

    /// An unknown out_request_no of a known trade answers success without refund fields, as Alipay does.
    func refundQuery(_ biz: [String: String]) -> Answer {
        guard let requestNo = biz["out_request_no"], !requestNo.isEmpty else {
            return .business("ACQ.INVALID_PARAMETER", "out_request_no 不能为空")
        }
        guard biz["out_trade_no"] != nil || biz["trade_no"] != nil else {
            return .business("ACQ.INVALID_PARAMETER", "out_trade_no 和 trade_no 不能同时为空")
        }
        let found: (FakeAlipayPayLedger.Trade, FakeAlipayPayLedger.Refund?)? = ledger.withState { state in
            guard let trade = trade(biz, in: &state) else { return nil }
            return (trade, state.refunds[FakeAlipayPayLedger.refundKey(trade.outTradeNo, requestNo)])
        }
        guard let (trade, refund) = found else { return .business("ACQ.TRADE_NOT_EXIST", "交易不存在") }
        return .success(RefundQueryOut(
            trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo, out_request_no: requestNo,
            total_amount: refund.map { _ in Self.yuan(trade.totalFen) }, refund_amount: refund.map { Self.yuan($0.refundFen) },
            refund_status: refund.map { _ in "REFUND_SUCCESS" }, refund_reason: refund?.reason,
            gmt_refund_pay: refund.map { FakeAlipay.beijingTime($0.at) }))
    }
}
