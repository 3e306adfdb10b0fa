import Foundation
import HuiminCore
import Hummingbird

/// `/sandbox/wechatpay/...`: what a payer, WeChat's notification system and a tester can do to the
/// fake WeChat Pay.
///
/// - `POST /sandbox/wechatpay/pay {"outTradeNo", "payerFen"?}`: the payer pays; the order becomes
///   SUCCESS at the sandbox clock's now and TRANSACTION.SUCCESS is posted to its notify_url. Answers
///   Huimin's reply status, the notification ID and the notification itself
///   (`notification: {id, eventType, url, headers, body}`, as sent), for tests that deliver it by hand.
/// - `POST /sandbox/wechatpay/notifications {"mode": "drop"|"duplicate"|"delay"|"alter"|"probe",
///   "times"?, "delayMs"?}`: how the next notifications behave; `DELETE` restores normal.
/// - `POST /sandbox/wechatpay/notifications/resend {"outTradeNo"}`: replays the last one byte for byte.
/// - `POST /sandbox/wechatpay/refunds/hold {"times"?}`: the next refunds stay PROCESSING until
///   `POST /sandbox/wechatpay/refunds/{outRefundNo}/finish {"status": "SUCCESS"|"ABNORMAL"|"CLOSED"}`.
/// - `POST /sandbox/wechatpay/faults {"kind": "timeout"|"error"|"unsigned"|"signtest"|"badsignature"|"billhash",
///   "code"?, "status"?, "times"?}`: the next API calls misbehave (billhash: the next bill answers
///   announce a wrong SHA1); `DELETE` clears.
/// - `GET /sandbox/wechatpay/orders/{outTradeNo}`: the fake's view of an order, its refunds and
///   notification deliveries.
/// - `GET /sandbox/wechatpay/bills/{day}`: the day's ALL bill so far, as the merchant platform offers it.
extension FakeWeChatPay {
    struct Problem: Encodable {
        let error: String
    }

    struct PayIn: Decodable {
        let outTradeNo: String
        let payerFen: Int64?
    }

    struct DeliveryOut: Encodable {
        let outTradeNo: String
        let transactionId: String?
        let outRefundNo: String?
        let notificationId: String?
        let mode: String?
        /// Huimin's answer to the (first) POST; absent when dropped, delayed or unreachable.
        let status: Int?
        let statuses: [Int?]
        /// What was posted: headers and body as sent.
        let notification: NotificationOut?

        init(outTradeNo: String, transactionId: String?, outRefundNo: String?, report: FakeWeChatPayNotifier.Report?) {
            self.outTradeNo = outTradeNo
            self.transactionId = transactionId
            self.outRefundNo = outRefundNo
            notificationId = report?.notificationID
            mode = report?.mode
            status = report?.statuses.first ?? nil
            statuses = report?.statuses ?? []
            notification = report.map { NotificationOut($0.notification) }
        }
    }

    struct NotificationOut: Encodable {
        let id: String
        let eventType: String
        let url: String
        let headers: [String: String]
        let body: String

        init(_ notification: FakeWeChatPayLedger.Notification) {
            id = notification.id
            eventType = notification.eventType
            url = notification.url
            headers = Dictionary(notification.headers, uniquingKeysWith: { first, _ in first })
            body = String(decoding: notification.body, as: UTF8.self)
        }
    }

    struct PlanIn: Decodable {
        let mode: FakeWeChatPayLedger.NotificationMode
        let times: Int?
        let delayMs: Int?
    }

    struct ResendIn: Decodable {
        let outTradeNo: String
    }

    struct TimesIn: Decodable {
        let times: Int?
    }

    struct FinishIn: Decodable {
        let status: String
    }

    struct FaultIn: Decodable {
        let kind: FakeWeChatPayLedger.FaultKind
        let code: String?
        let status: Int?
        let times: Int?
    }

    struct OrderView: Encodable {
        struct RefundView: Encodable {
            let outRefundNo: String
            let refundId: String
            let status: String
            let refundFen: Int64
            let createdAt: String
            let successTime: String?
        }

        struct NotificationView: Encodable {
            let id: String
            let eventType: String
            let mode: String
            let status: Int?
            let at: String
        }

        let outTradeNo: String
        let state: String
        let totalFen: Int64
        let payerFen: Int64?
        let transactionId: String?
        let successTime: String?
        let timeExpire: String?
        let notifyUrl: String
        let openid: String
        let description: String
        let refunds: [RefundView]
        let notifications: [NotificationView]
    }

    func registerControl(on router: Router<BasicRequestContext>) {
        router.post("/sandbox/wechatpay/pay") { request, _ in try await pay(request) }
        router.post("/sandbox/wechatpay/notifications") { request, _ in
            guard let plan = SandboxHTTP.decode(PlanIn.self, from: try await SandboxHTTP.body(request)),
                  (plan.times ?? 1) > 0, (plan.delayMs ?? 0) >= 0 else {
                return SandboxHTTP.json(Problem(error: "expected {mode: drop|duplicate|delay|alter|probe|normal, times? > 0, "
                                                    + "delayMs? >= 0}"), status: .badRequest)
            }
            ledger.withState {
                $0.plan = .init(mode: plan.mode, remaining: plan.times ?? 1, delayMs: plan.delayMs ?? 1000)
            }
            return SandboxHTTP.json(["mode": plan.mode.rawValue, "times": "\(plan.times ?? 1)"])
        }
        router.delete("/sandbox/wechatpay/notifications") { _, _ in
            ledger.withState { $0.plan = nil }
            return Response(status: .noContent)
        }
        router.post("/sandbox/wechatpay/notifications/resend") { request, _ in
            guard let resend = SandboxHTTP.decode(ResendIn.self, from: try await SandboxHTTP.body(request)) else {
                return SandboxHTTP.json(Problem(error: "expected {outTradeNo}"), status: .badRequest)
            }
            guard let report = await notifier.resend(outTradeNo: resend.outTradeNo) else {
                return SandboxHTTP.json(Problem(error: "no notification was sent for that order"), status: .notFound)
            }
            return SandboxHTTP.json(DeliveryOut(outTradeNo: resend.outTradeNo, transactionId: nil, outRefundNo: nil,
                                                report: report))
        }
        router.post("/sandbox/wechatpay/refunds/hold") { request, _ in
            let times = SandboxHTTP.decode(TimesIn.self, from: try await SandboxHTTP.body(request))?.times ?? 1
            guard times > 0 else { return SandboxHTTP.json(Problem(error: "times must be > 0"), status: .badRequest) }
            ledger.withState { $0.heldRefunds = times }
            return SandboxHTTP.json(["held": times])
        }
        router.post("/sandbox/wechatpay/refunds/:outRefundNo/finish") { request, _ in try await finishRefund(request) }
        router.post("/sandbox/wechatpay/faults") { request, _ in
            guard let fault = SandboxHTTP.decode(FaultIn.self, from: try await SandboxHTTP.body(request)),
                  (fault.times ?? 1) > 0 else {
                return SandboxHTTP.json(Problem(error: "expected {kind: timeout|error|unsigned|signtest|badsignature|billhash, "
                                                    + "code?, status?, times? > 0}"), status: .badRequest)
            }
            ledger.withState {
                if fault.kind == .billhash {
                    $0.corruptBillHashes = fault.times ?? 1
                } else {
                    $0.fault = .init(kind: fault.kind, code: fault.code ?? "SYSTEM_ERROR", status: fault.status ?? 500,
                                     remaining: fault.times ?? 1)
                }
            }
            return SandboxHTTP.json(["kind": fault.kind.rawValue, "times": "\(fault.times ?? 1)"])
        }
        router.delete("/sandbox/wechatpay/faults") { _, _ in
            ledger.withState {
                $0.fault = nil
                $0.corruptBillHashes = 0
            }
            return Response(status: .noContent)
        }
        router.get("/sandbox/wechatpay/orders/:outTradeNo") { request, _ in
            guard let view = orderView(FakeWeChatPayProtocol.lastSegment(request)) else {
                return SandboxHTTP.json(Problem(error: "no such order"), status: .notFound)
            }
            return SandboxHTTP.json(view)
        }
        // What a cashier downloads from the merchant platform (商户平台): the day's bill so far,
        // without the API's T+1 wait, so a tester can reconcile today.
        router.get("/sandbox/wechatpay/bills/:day") { request, _ in
            let day = FakeWeChatPayProtocol.lastSegment(request)
            guard BusinessCalendar.isDay(day), let file = billFile(day: day) else {
                return SandboxHTTP.json(Problem(error: "no bill for that day"), status: .notFound)
            }
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: file)))
        }
    }

    private func pay(_ request: Request) async throws -> Response {
        guard let pay = SandboxHTTP.decode(PayIn.self, from: try await SandboxHTTP.body(request)) else {
            return SandboxHTTP.json(Problem(error: "expected {outTradeNo, payerFen?}"), status: .badRequest)
        }
        let now = clock.now()
        let paid: Result<FakeWeChatPayLedger.Order, RefundRefusal> = ledger.withState { state in
            guard var order = state.orders[pay.outTradeNo] else { return .failure(.init(404, "", "no such order")) }
            guard order.state == "NOTPAY" else { return .failure(.init(409, "", "the order is \(order.state)")) }
            if let limit = order.timeExpire, now >= limit { return .failure(.init(409, "", "the order has expired")) }
            if let payer = pay.payerFen, payer <= 0 || payer > order.totalFen {
                return .failure(.init(400, "", "payerFen must be 1...totalFen"))
            }
            order.state = "SUCCESS"
            order.transactionID = "4200" + SandboxHTTP.randomString(24, alphabet: SandboxHTTP.digits)
            order.successTime = now
            order.payerFen = pay.payerFen ?? order.totalFen
            state.orders[order.outTradeNo] = order
            return .success(order)
        }
        switch paid {
        case .failure(let refusal):
            return SandboxHTTP.json(Problem(error: refusal.message), status: .init(code: refusal.status))
        case .success(let order):
            logger.debug("wechatpay order paid in the sandbox")
            let report = await notifier.deliver(
                eventType: "TRANSACTION.SUCCESS", summary: "支付成功", originalType: "transaction",
                plaintext: FakeWeChatPayProtocol.encode(Self.transaction(order)), url: order.notifyURL,
                outTradeNo: order.outTradeNo)
            return SandboxHTTP.json(DeliveryOut(outTradeNo: order.outTradeNo, transactionId: order.transactionID,
                                                outRefundNo: nil, report: report))
        }
    }

    private func finishRefund(_ request: Request) async throws -> Response {
        let outRefundNo = FakeWeChatPayProtocol.lastSegment(request, dropping: "/finish")
        guard let finish = SandboxHTTP.decode(FinishIn.self, from: try await SandboxHTTP.body(request)),
              ["SUCCESS", "ABNORMAL", "CLOSED"].contains(finish.status) else {
            return SandboxHTTP.json(Problem(error: "expected {status: SUCCESS|ABNORMAL|CLOSED}"), status: .badRequest)
        }
        let now = clock.now()
        let finished: (FakeWeChatPayLedger.Refund, Int64)? = ledger.withState { state in
            guard var refund = state.refunds[outRefundNo], refund.status == "PROCESSING" || refund.status == "ABNORMAL"
            else { return nil }
            refund.status = finish.status
            refund.successTime = finish.status == "SUCCESS" ? now : nil
            state.refunds[outRefundNo] = refund
            let payerTotal = state.orders[refund.outTradeNo].map { $0.payerFen ?? $0.totalFen } ?? refund.totalFen
            return (refund, payerTotal)
        }
        guard let (refund, payerTotal) = finished else {
            return SandboxHTTP.json(Problem(error: "no such refund, or it is already final"), status: .conflict)
        }
        let report = await notifyRefund(refund, payerTotal: payerTotal)
        return SandboxHTTP.json(DeliveryOut(outTradeNo: refund.outTradeNo, transactionId: refund.transactionID,
                                            outRefundNo: refund.outRefundNo, report: report))
    }

    private func orderView(_ outTradeNo: String) -> OrderView? {
        ledger.withState { state in
            guard let order = state.orders[outTradeNo] else { return nil }
            return OrderView(
                outTradeNo: order.outTradeNo, state: order.state, totalFen: order.totalFen, payerFen: order.payerFen,
                transactionId: order.transactionID, successTime: order.successTime.map(ISO8601.string),
                timeExpire: order.timeExpire.map(ISO8601.string), notifyUrl: order.notifyURL, openid: order.openid,
                description: order.description,
                refunds: order.refundNos.compactMap { state.refunds[$0] }.map {
                    .init(outRefundNo: $0.outRefundNo, refundId: $0.refundID, status: $0.status, refundFen: $0.refundFen,
                          createdAt: ISO8601.string($0.createdAt), successTime: $0.successTime.map(ISO8601.string))
                },
                notifications: (state.deliveries[outTradeNo] ?? []).map {
                    .init(id: $0.notificationID, eventType: $0.eventType, mode: $0.mode, status: $0.status,
                          at: ISO8601.string($0.at))
                })
        }
    }
}
