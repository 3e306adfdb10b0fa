import Foundation
import HuiminCore

/// 退货 (backTransReq.do, txnType 04): a transaction of its own, with its own orderId, naming its
/// payment by `origQryId`. Accepted at once and done at once in the sandbox; the result is
/// notified to the refund's backUrl after the answer, as UnionPay does. Partial refunds may repeat
/// until the payment is used up; more is 36, a used orderId 12, an unknown or unpaid payment 35.
extension FakeUnionPay {
    func refund(_ f: [String: String]) -> Answer {
        let now = clock.now()
        if let refusal = Self.common(f, now: now) { return refusal }
        guard f["txnSubType"] == "00", f["bizType"] == "000201" else {
            return .refusal("10", "报文格式错误[txnSubType/bizType]")
        }
        guard let origQueryID = f["origQryId"], !origQueryID.isEmpty else { return .refusal("13", "报文交易要素缺失[origQryId]") }
        if let reserved = f["reqReserved"], reserved.count > 32 { return .refusal("10", "报文格式错误[reqReserved]") }
        let orderID = f["orderId"]!, amount = Self.fen(f["txnAmt"])!
        let outcome: Result<FakeUnionPayLedger.Transaction, Refused> = ledger.withState { state in
            guard state.transactions[orderID] == nil else { return .failure(.init("12", "重复交易")) }
            guard let paymentID = state.byQueryID[origQueryID], var payment = state.transactions[paymentID],
                  payment.txnType == "01", payment.status == .paid else {
                return .failure(.init("35", "原交易不存在或状态不正确"))
            }
            guard payment.refundedFen + amount <= payment.amountFen else {
                return .failure(.init("36", "与原交易信息不符[退货金额超过原交易可退金额]"))
            }
            var refund = FakeUnionPayLedger.Transaction(
                orderID: orderID, txnTime: f["txnTime"]!, txnType: "04", amountFen: amount, backURL: f["backUrl"],
                reserved: f["reqReserved"], createdAt: now, payTimeout: nil, tn: nil, status: .refunded,
                origQueryID: origQueryID)
            settle(&refund, now: now, state: &state)
            payment.refundedFen += amount
            payment.refundOrderIDs.append(orderID)
            state.transactions[paymentID] = payment
            state.transactions[orderID] = refund
            return .success(refund)
        }
        switch outcome {
        case .failure(let refused):
            return .refusal(refused.code, refused.message)
        case .success(let refund):
            let notifier = self.notifier
            Task(executorPreference: SandboxThreads.shared) { _ = await notifier.deliver(refund) }
            return .success(Self.echo(f, ["txnType", "txnSubType", "bizType", "orderId", "txnTime", "txnAmt", "origQryId",
                                          "reqReserved"]) + [("queryId", refund.queryID ?? "")])
        }
    }

    struct Refused: Error {
        let code: String
        let message: String

        init(_ code: String, _ message: String) {
            self.code = code
            self.message = message
        }
    }
}
