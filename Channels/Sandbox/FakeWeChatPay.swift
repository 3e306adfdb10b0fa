import Foundation
import HuiminCore
import Hummingbird
import Logging
import Transport

/// WeChat Pay API v3 for the sandbox merchant: JSAPI orders, query, close, refunds and the trade
/// bill, plus `/sandbox/wechatpay/...` control routes (the payer pays, notification behaviour,
/// held refunds, faults, inspection). Every request must be signed by the merchant key (else 401
/// SIGN_ERROR); every answer is signed with the platform key. Notifications are posted to the
/// merchant's notify_url as WeChat Pay does.
struct FakeWeChatPay: Sendable {
    let settings: SandboxSettings
    let clock: any HuiminClock
    let logger: Logger
    let ledger: FakeWeChatPayLedger
    let wire: FakeWeChatPayProtocol
    let notifier: FakeWeChatPayNotifier

    var merchant: WeChatPaySandboxSettings { settings.wechatPay }

    init(settings: SandboxSettings, clock: any HuiminClock, logger: Logger) {
        self.settings = settings
        self.clock = clock
        self.logger = logger
        ledger = FakeWeChatPayLedger()
        wire = FakeWeChatPayProtocol(settings: settings.wechatPay, keys: settings.keys.wechatPay)
        notifier = FakeWeChatPayNotifier(wire: wire, ledger: ledger, clock: clock, transport: HTTPTransport(timeout: 10),
                                         logger: logger)
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v3/pay/transactions/jsapi") { request, _ in try await api(request) { try jsapi($0) } }
        router.get("/v3/pay/transactions/out-trade-no/:outTradeNo") { request, _ in
            try await api(request) { _ in query(FakeWeChatPayProtocol.lastSegment(request), request: request) }
        }
        router.post("/v3/pay/transactions/out-trade-no/:outTradeNo/close") { request, _ in
            try await api(request) { close(FakeWeChatPayProtocol.lastSegment(request, dropping: "/close"), body: $0) }
        }
        router.post("/v3/refund/domestic/refunds") { request, _ in try await api(request) { try await refund($0) } }
        router.get("/v3/refund/domestic/refunds/:outRefundNo") { request, _ in
            try await api(request) { _ in queryRefund(FakeWeChatPayProtocol.lastSegment(request)) }
        }
        router.get("/v3/bill/tradebill") { request, _ in try await api(request) { _ in tradeBill(request) } }
        router.get("/v3/billdownload/file") { request, _ in try await api(request) { _ in download(request) } }
        registerControl(on: router)
    }

    /// The checks every API call passes: the merchant's signature, then an armed fault; the
    /// handler's answer is signed on the way out.
    private func api(_ request: Request, _ handler: ([UInt8]) async throws -> FakeWeChatPayProtocol.Answer) async throws
        -> Response {
        let body = try await SandboxHTTP.body(request)
        guard wire.requestSignatureValid(request, body: body) else {
            return wire.response(wire.error(401, "SIGN_ERROR", "签名错误"), at: clock.now())
        }
        var signing = FakeWeChatPayProtocol.Signing.valid
        if let fault = ledger.takeFault() {
            switch fault.kind {
            case .timeout:
                await FaultPlan.hang(seconds: settings.faultHangSeconds)
                return wire.response(wire.error(500, "SYSTEM_ERROR", "系统超时"), at: clock.now())
            case .error:
                return wire.response(wire.error(fault.status, fault.code, "sandbox fault"), at: clock.now())
            case .unsigned: signing = .none
            case .signtest: signing = .probe
            case .badsignature: signing = .broken
            case .billhash: break // armed separately, never queued as a fault
            }
        }
        return wire.response(try await handler(body), at: clock.now(), signing: signing)
    }

    // MARK: Orders

    struct AmountIn: Decodable {
        let total: Int64?
        let currency: String?
    }

    struct PayerIn: Decodable {
        let openid: String?
    }

    struct JSAPIIn: Decodable {
        let appid: String?
        let mchid: String?
        let description: String?
        let out_trade_no: String?
        let time_expire: String?
        let attach: String?
        let notify_url: String?
        let amount: AmountIn?
        let payer: PayerIn?
    }

    struct PrepayOut: Encodable {
        let prepay_id: String
    }

    private func jsapi(_ body: [UInt8]) throws -> FakeWeChatPayProtocol.Answer {
        let now = clock.now()
        guard let order = try? JSONDecoder().decode(JSAPIIn.self, from: Data(body)) else {
            return wire.error(400, "PARAM_ERROR", "输入源“/body”映射到值字段失败")
        }
        guard let mchid = order.mchid, mchid == merchant.mchid else {
            return wire.error(400, "MCH_NOT_EXISTS", "商户号不存在")
        }
        guard order.appid == merchant.appid else {
            return wire.error(400, "APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
        }
        guard let description = order.description, !description.isEmpty, description.count <= 127 else {
            return wire.error(400, "PARAM_ERROR", "description 长度须为 1 到 127")
        }
        guard let outTradeNo = order.out_trade_no,
              FakeWeChatPayProtocol.matches(outTradeNo, allowed: "_-|*", length: 6...32) else {
            return wire.error(400, "PARAM_ERROR", "out_trade_no 须为 6 到 32 位数字、字母或 _-|*")
        }
        guard let total = order.amount?.total, total > 0 else {
            return wire.error(400, "PARAM_ERROR", "amount.total 须大于 0")
        }
        guard order.amount?.currency == nil || order.amount?.currency == "CNY" else {
            return wire.error(400, "PARAM_ERROR", "amount.currency 仅支持 CNY")
        }
        guard let notifyURL = order.notify_url, FakeWeChatPayProtocol.notifyURLValid(notifyURL) else {
            return wire.error(400, "PARAM_ERROR", "notify_url 须为不带参数的绝对 URL")
        }
        guard let openid = order.payer?.openid, !openid.isEmpty else {
            return wire.error(400, "PARAM_ERROR", "JSAPI 下单须提供 payer.openid")
        }
        guard (order.attach ?? "").count <= 128 else {
            return wire.error(400, "PARAM_ERROR", "attach 长度不能超过 128")
        }
        var expire: Date?
        if let text = order.time_expire {
            guard let date = FakeWeChatPayProtocol.parseTime(text) else {
                return wire.error(400, "PARAM_ERROR", "time_expire 须为 RFC3339 格式")
            }
            expire = date
        }
        let created: FakeWeChatPayProtocol.Answer? = ledger.withState { state in
            if let existing = state.orders[outTradeNo] {
                switch existing.state {
                case "SUCCESS", "REFUND": return wire.error(400, "ORDERPAID", "该订单已支付")
                case "CLOSED": return wire.error(400, "ORDER_CLOSED", "当前订单已关闭，请重新下单")
                default: break
                }
                if let limit = existing.timeExpire, now >= limit {
                    return wire.error(400, "ORDER_CLOSED", "订单已过期，请重新下单")
                }
                guard existing.totalFen == total, existing.openid == openid,
                      expire == nil || existing.timeExpire == expire else {
                    return wire.error(400, "INVALID_REQUEST", "201 商户订单号重复")
                }
                return nil
            }
            if let expire, expire.timeIntervalSince(now) < 60 {
                return wire.error(400, "PARAM_ERROR", "time_expire 须至少在下单 1 分钟后")
            }
            state.orders[outTradeNo] = FakeWeChatPayLedger.Order(
                appid: merchant.appid, mchid: mchid, description: description, outTradeNo: outTradeNo, timeExpire: expire,
                attach: order.attach, notifyURL: notifyURL, totalFen: total, openid: openid, createdAt: now, state: "NOTPAY")
            return nil
        }
        if let created { return created }
        let stamp = FakeAlipay.beijingTime(now).filter(\.isNumber)
        return wire.answer(PrepayOut(prepay_id: "wx" + stamp + SandboxHTTP.randomString(20, alphabet: "0123456789abcdef")))
    }

    struct TransactionOut: Encodable {
        struct Amount: Encodable {
            let total: Int64
            let payer_total: Int64?
            let currency: String
            let payer_currency: String
        }

        struct Payer: Encodable {
            let openid: String
        }

        let appid: String
        let mchid: String
        let out_trade_no: String
        let transaction_id: String?
        let trade_type: String
        let trade_state: String
        let trade_state_desc: String
        let bank_type: String?
        let attach: String
        let success_time: String?
        let payer: Payer
        let amount: Amount
        let promotion_detail: [String]?
    }

    static let stateDescriptions = ["NOTPAY": "订单未支付", "SUCCESS": "支付成功", "REFUND": "转入退款", "CLOSED": "已关闭"]

    static func transaction(_ order: FakeWeChatPayLedger.Order) -> TransactionOut {
        let paid = order.transactionID != nil
        return TransactionOut(
            appid: order.appid, mchid: order.mchid, out_trade_no: order.outTradeNo, transaction_id: order.transactionID,
            trade_type: "JSAPI", trade_state: order.state, trade_state_desc: stateDescriptions[order.state] ?? order.state,
            bank_type: paid ? "OTHERS" : nil, attach: order.attach ?? "",
            success_time: order.successTime.map(FakeWeChatPayProtocol.time), payer: .init(openid: order.openid),
            amount: .init(total: order.totalFen, payer_total: paid ? order.payerFen : nil, currency: "CNY",
                          payer_currency: "CNY"),
            promotion_detail: paid ? [] : nil)
    }

    private func query(_ outTradeNo: String, request: Request) -> FakeWeChatPayProtocol.Answer {
        let parameters = SandboxHTTP.dictionary(SandboxHTTP.form(request.uri.query))
        guard let mchid = parameters["mchid"], !mchid.isEmpty else {
            return wire.error(400, "PARAM_ERROR", "缺少参数 mchid")
        }
        guard mchid == merchant.mchid, let order = ledger.withState({ $0.orders[outTradeNo] }) else {
            return wire.error(404, "ORDER_NOT_EXIST", "订单不存在")
        }
        return wire.answer(Self.transaction(order))
    }

    struct CloseIn: Decodable {
        let mchid: String?
    }

    private func close(_ outTradeNo: String, body: [UInt8]) -> FakeWeChatPayProtocol.Answer {
        guard let close = try? JSONDecoder().decode(CloseIn.self, from: Data(body)), let mchid = close.mchid else {
            return wire.error(400, "PARAM_ERROR", "缺少参数 mchid")
        }
        return ledger.withState { state in
            guard mchid == merchant.mchid, var order = state.orders[outTradeNo] else {
                return wire.error(404, "ORDER_NOT_EXIST", "订单不存在")
            }
            switch order.state {
            case "SUCCESS", "REFUND":
                return wire.error(400, "ORDERPAID", "该订单已支付")
            default:
                order.state = "CLOSED"
                state.orders[outTradeNo] = order
                return FakeWeChatPayProtocol.Answer(status: 204, body: [])
            }
        }
    }
}
