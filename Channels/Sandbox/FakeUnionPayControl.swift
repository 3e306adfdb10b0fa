import Foundation
import HuiminCore
import Hummingbird

/// `/sandbox/unionpay/...`: what a payer, UnionPay's notification system and a tester can do.
///
/// - `POST /sandbox/unionpay/pay {"orderId"}`: the payer pays in the UnionPay control; the consume
///   is paid at the sandbox clock's now (its clearing date follows the 23:00 cut-off) and the
///   signed notification is POSTed to its backUrl. Answers Huimin's HTTP status and the
///   notification itself (`notification: {url, body, contentType}`), so tests that run Huimin
///   without a socket can deliver it by hand.
/// - `POST /sandbox/unionpay/notifications {"mode": "drop"|"duplicate"|"delay"|"alter"|"normal",
///   "times"?, "delayMs"?}`: how the next notifications (payments and refunds) behave; `DELETE` restores normal.
/// - `GET /sandbox/unionpay/orders/{orderId}`: the fake's view of a transaction (consume or
///   refund), its refunds and every notification delivery with the body sent.
extension FakeUnionPay {
    struct Problem: Encodable {
        let error: String
    }

    struct PayIn: Decodable {
        let orderId: String
    }

    struct NotificationOut: Encodable {
        let url: String?
        let body: String
        let contentType: String
    }

    struct DeliveryOut: Encodable {
        let orderId: String
        let queryId: String?
        let settleDate: String?
        let mode: String
        /// Huimin's answer to the (first) POST; absent when dropped, delayed or unreachable.
        let status: Int?
        let statuses: [Int?]
        let notification: NotificationOut
    }

    struct PlanIn: Decodable {
        let mode: FakeUnionPayLedger.NotificationMode
        let times: Int?
        let delayMs: Int?
    }

    struct OrderView: Encodable {
        struct DeliveryView: Encodable {
            let mode: String
            let status: Int?
            let at: String
            let body: String
        }

        let orderId: String
        let txnTime: String
        let txnType: String
        let status: String
        let amountFen: Int64
        let refundedFen: Int64
        let refunds: [String]
        let queryId: String?
        let origQryId: String?
        let tn: String?
        let backUrl: String?
        let payTimeout: String?
        let at: String?
        let clearingDay: String?
        let notifications: [DeliveryView]
    }

    func registerControl(on router: Router<BasicRequestContext>) {
        router.post("/sandbox/unionpay/pay") { request, _ in try await pay(request) }
        router.post("/sandbox/unionpay/notifications") { request, _ in
            guard let plan = SandboxHTTP.decode(PlanIn.self, from: try await SandboxHTTP.body(request)),
                  (plan.times ?? 1) > 0, (plan.delayMs ?? 0) >= 0 else {
                return SandboxHTTP.json(Problem(error: "expected {mode: drop|duplicate|delay|alter|normal, times? > 0, "
                                                    + "delayMs? >= 0}"), status: .badRequest)
            }
            ledger.withState { $0.plan = .init(mode: plan.mode, remaining: plan.times ?? 1, delayMs: plan.delayMs ?? 1000) }
            return SandboxHTTP.json(["mode": plan.mode.rawValue, "times": "\(plan.times ?? 1)"])
        }
        router.delete("/sandbox/unionpay/notifications") { _, _ in
            ledger.withState { $0.plan = nil }
            return Response(status: .noContent)
        }
        router.get("/sandbox/unionpay/orders/:orderId") { request, _ in
            let orderID = String(request.uri.path.split(separator: "/").last ?? "").removingPercentEncoding ?? ""
            guard let view = orderView(orderID) else {
                return SandboxHTTP.json(Problem(error: "no such transaction"), status: .notFound)
            }
            return SandboxHTTP.json(view)
        }
    }

    private func pay(_ request: Request) async throws -> Response {
        guard let pay = SandboxHTTP.decode(PayIn.self, from: try await SandboxHTTP.body(request)) else {
            return SandboxHTTP.json(Problem(error: "expected {orderId}"), status: .badRequest)
        }
        let now = clock.now()
        let paid: Result<FakeUnionPayLedger.Transaction, Refused> = ledger.withState { state in
            guard var t = state.transactions[pay.orderId], t.txnType == "01" else {
                return .failure(.init("404", "no such consume"))
            }
            Self.expire(&t, now: now)
            guard t.status == .waiting else {
                state.transactions[t.orderID] = t
                return .failure(.init("409", "the consume is \(t.status.rawValue)"))
            }
            t.status = .paid
            settle(&t, now: now, state: &state)
            state.transactions[t.orderID] = t
            return .success(t)
        }
        switch paid {
        case .failure(let refused):
            return SandboxHTTP.json(Problem(error: refused.message), status: .init(code: Int(refused.code) ?? 400))
        case .success(let t):
            logger.debug("unionpay consume paid in the sandbox")
            let report = await notifier.deliver(t)
            return SandboxHTTP.json(DeliveryOut(
                orderId: t.orderID, queryId: t.queryID, settleDate: t.clearingDay, mode: report.mode,
                status: report.statuses.first ?? nil, statuses: report.statuses,
                notification: .init(url: report.notification.url, body: String(decoding: report.notification.body, as: UTF8.self),
                                    contentType: FakeUnionPayNotifier.contentType)))
        }
    }

    private func orderView(_ orderID: String) -> OrderView? {
        let now = clock.now()
        return ledger.withState { state in
            guard var t = state.transactions[orderID] else { return nil }
            Self.expire(&t, now: now)
            state.transactions[orderID] = t
            return OrderView(
                orderId: t.orderID, txnTime: t.txnTime, txnType: t.txnType, status: t.status.rawValue, amountFen: t.amountFen,
                refundedFen: t.refundedFen, refunds: t.refundOrderIDs, queryId: t.queryID, origQryId: t.origQueryID, tn: t.tn,
                backUrl: t.backURL, payTimeout: t.payTimeout.map(ISO8601.string), at: t.at.map(ISO8601.string),
                clearingDay: t.clearingDay,
                notifications: (state.deliveries[orderID] ?? []).map {
                    .init(mode: $0.mode, status: $0.status, at: ISO8601.string($0.at), body: $0.body)
                })
        }
    }
}
