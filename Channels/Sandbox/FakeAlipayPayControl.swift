import Foundation
import HuiminCore
import Hummingbird

/// `/sandbox/alipay/...`: what a payer, Alipay's notification system and a tester can do to the
/// fake Alipay trade APIs.
///
/// - `POST /sandbox/alipay/pay {"outTradeNo"}`: the payer pays (`my.tradePay` succeeds); the trade
///   becomes TRADE_SUCCESS at the sandbox clock's now and the async notification is POSTed
///   form-encoded to its notify_url. Answers Huimin's reply status and body (Alipay expects the
///   literal `success`) and the notification itself (`notification: {notifyId, url, body, contentType}`),
///   so tests that run Huimin without a socket can deliver it by hand.
/// - `POST /sandbox/alipay/notifications {"mode": "drop"|"duplicate"|"delay"|"alter"|"signtype"|"normal",
///   "times"?, "delayMs"?}`: how the next notifications (payments and refunds) behave; `DELETE` restores normal.
/// - `POST /sandbox/alipay/notifications/resend {"outTradeNo"}`: replays the trade's last one byte for byte.
/// - `GET /sandbox/alipay/orders/{outTradeNo}`: the fake's view of a trade, its refunds and every
///   notification delivery (with the body sent, so refund notifications can be delivered by hand too).
extension FakeAlipayPay {
    struct Problem: Encodable {
        let error: String
    }

    struct PayIn: Decodable {
        let outTradeNo: String
    }

    struct NotificationOut: Encodable {
        let notifyId: String
        let tradeStatus: String
        let url: String?
        let body: String
        let contentType: String

        init(_ notification: FakeAlipayPayLedger.Notification) {
            notifyId = notification.notifyID
            tradeStatus = notification.tradeStatus
            url = notification.url
            body = String(decoding: notification.body, as: UTF8.self)
            contentType = FakeAlipayPayNotifier.contentType
        }
    }

    struct DeliveryOut: Encodable {
        let outTradeNo: String
        let tradeNo: String?
        let notifyId: String
        let mode: String
        /// Huimin's answer to the (first) POST; absent when dropped, delayed, unreachable or no notify_url.
        let status: Int?
        /// Huimin's reply body to the (first) POST.
        let reply: String?
        let statuses: [Int?]
        let notification: NotificationOut

        init(outTradeNo: String, tradeNo: String?, report: FakeAlipayPayNotifier.Report) {
            self.outTradeNo = outTradeNo
            self.tradeNo = tradeNo
            notifyId = report.notifyID
            mode = report.mode
            status = report.statuses.first ?? nil
            reply = report.replies.first ?? nil
            statuses = report.statuses
            notification = NotificationOut(report.notification)
        }
    }

    struct PlanIn: Decodable {
        let mode: FakeAlipayPayLedger.NotificationMode
        let times: Int?
        let delayMs: Int?
    }

    struct OrderView: Encodable {
        struct RefundView: Encodable {
            let outRequestNo: String
            let refundFen: Int64
            let refundedTotalFen: Int64
            let at: String
        }

        struct DeliveryView: Encodable {
            let notifyId: String
            let tradeStatus: String
            let mode: String
            let status: Int?
            let reply: String?
            let at: String
            let body: String
        }

        let outTradeNo: String
        let tradeNo: String
        let status: String
        let totalFen: Int64
        let refundedFen: Int64
        let subject: String
        let buyerId: String
        let notifyUrl: String?
        let createdAt: String
        let timeExpire: String?
        let paidAt: String?
        let closedAt: String?
        let refunds: [RefundView]
        let notifications: [DeliveryView]
    }

    func registerControl(on router: Router<BasicRequestContext>) {
        router.get(RouterPath(stringLiteral: Self.billDownloadPath)) { request, _ in download(request) }
        router.post("/sandbox/alipay/pay") { request, _ in try await pay(request) }
        router.post("/sandbox/alipay/notifications") { request, _ in
            guard let plan = SandboxHTTP.decode(PlanIn.self, from: try await SandboxHTTP.body(request)),
                  (plan.times ?? 1) > 0, (plan.delayMs ?? 0) >= 0 else {
                return SandboxHTTP.json(Problem(error: "expected {mode: drop|duplicate|delay|alter|signtype|normal, "
                                                    + "times? > 0, delayMs? >= 0}"), status: .badRequest)
            }
            ledger.withState { $0.plan = .init(mode: plan.mode, remaining: plan.times ?? 1, delayMs: plan.delayMs ?? 1000) }
            return SandboxHTTP.json(["mode": plan.mode.rawValue, "times": "\(plan.times ?? 1)"])
        }
        router.delete("/sandbox/alipay/notifications") { _, _ in
            ledger.withState { $0.plan = nil }
            return Response(status: .noContent)
        }
        router.post("/sandbox/alipay/notifications/resend") { request, _ in
            guard let resend = SandboxHTTP.decode(PayIn.self, from: try await SandboxHTTP.body(request)) else {
                return SandboxHTTP.json(Problem(error: "expected {outTradeNo}"), status: .badRequest)
            }
            guard let report = await notifier.resend(outTradeNo: resend.outTradeNo) else {
                return SandboxHTTP.json(Problem(error: "no notification was sent for that trade"), status: .notFound)
            }
            return SandboxHTTP.json(DeliveryOut(outTradeNo: resend.outTradeNo, tradeNo: nil, report: report))
        }
        router.get("/sandbox/alipay/orders/:outTradeNo") { request, _ in
            let outTradeNo = String(request.uri.path.split(separator: "/").last ?? "").removingPercentEncoding ?? ""
            guard let view = orderView(outTradeNo) else {
                return SandboxHTTP.json(Problem(error: "no such trade"), status: .notFound)
            }
            return SandboxHTTP.json(view)
        }
    }

    private func pay(_ request: Request) async throws -> Response {
        guard let pay = SandboxHTTP.decode(PayIn.self, from: try await SandboxHTTP.body(request)) else {
            return SandboxHTTP.json(Problem(error: "expected {outTradeNo}"), status: .badRequest)
        }
        let now = clock.now()
        let paid: Result<FakeAlipayPayLedger.Trade, Refusal> = ledger.withState { state in
            guard var trade = state.trades[pay.outTradeNo] else { return .failure(.init("404", "no such trade")) }
            Self.expire(&trade, now: now)
            state.trades[trade.outTradeNo] = trade
            guard trade.status == "WAIT_BUYER_PAY" else { return .failure(.init("409", "the trade is \(trade.status)")) }
            trade.status = "TRADE_SUCCESS"
            trade.paidAt = now
            state.trades[trade.outTradeNo] = trade
            return .success(trade)
        }
        switch paid {
        case .failure(let refusal):
            return SandboxHTTP.json(Problem(error: refusal.subMsg), status: .init(code: Int(refusal.subCode) ?? 400))
        case .success(let trade):
            logger.debug("alipay trade paid in the sandbox")
            let report = await notifier.deliver(trade, refund: nil)
            return SandboxHTTP.json(DeliveryOut(outTradeNo: trade.outTradeNo, tradeNo: trade.tradeNo, report: report))
        }
    }

    private func orderView(_ outTradeNo: String) -> OrderView? {
        ledger.withState { state in
            guard var trade = state.trades[outTradeNo] else { return nil }
            Self.expire(&trade, now: clock.now())
            state.trades[outTradeNo] = trade
            return OrderView(
                outTradeNo: trade.outTradeNo, tradeNo: trade.tradeNo, status: trade.status, totalFen: trade.totalFen,
                refundedFen: trade.refundedFen, subject: trade.subject, buyerId: trade.buyerID, notifyUrl: trade.notifyURL,
                createdAt: ISO8601.string(trade.createdAt), timeExpire: trade.timeExpire.map(ISO8601.string),
                paidAt: trade.paidAt.map(ISO8601.string), closedAt: trade.closedAt.map(ISO8601.string),
                refunds: trade.refundNos.compactMap { state.refunds[FakeAlipayPayLedger.refundKey(outTradeNo, $0)] }.map {
                    .init(outRequestNo: $0.outRequestNo, refundFen: $0.refundFen, refundedTotalFen: $0.refundedTotalFen,
                          at: ISO8601.string($0.at))
                },
                notifications: (state.deliveries[outTradeNo] ?? []).map {
                    .init(notifyId: $0.notifyID, tradeStatus: $0.tradeStatus, mode: $0.mode, status: $0.status,
                          reply: $0.reply, at: ISO8601.string($0.at), body: $0.body)
                })
        }
    }
}
