import Foundation
import HuiminCore
import Hummingbird
import Logging
import Transport

/// Alipay's trade APIs behind the fake gateway (`FakeAlipay` checks the app's RSA2 request signature,
/// then hands these methods here): alipay.trade.create/query/close/refund,
/// alipay.trade.fastpay.refund.query and alipay.data.dataservice.bill.downloadurl.query, validated
/// as Alipay does. Answers go back in the method's response node, signed by `FakeAlipay`; errors are
/// `{"code":"40004","msg":"Business Failed","sub_code":"ACQ.…","sub_msg":"…"}` in the same node.
/// The payer, notification behaviour and inspection are the control routes of FakeAlipayPayControl.
struct FakeAlipayPay: Sendable {
    static let methods: Set<String> = [
        "alipay.trade.create", "alipay.trade.query", "alipay.trade.close", "alipay.trade.refund",
        "alipay.trade.fastpay.refund.query", "alipay.data.dataservice.bill.downloadurl.query",
    ]
    /// alipay.trade.create's default timeout when neither time_expire nor timeout_express is given.
    static let defaultTimeout: TimeInterval = 15 * 24 * 3600

    let settings: SandboxSettings
    let clock: any HuiminClock
    let logger: Logger
    let ledger: FakeAlipayPayLedger
    let notifier: FakeAlipayPayNotifier

    var merchant: AlipayPaySandboxSettings { settings.alipayPay }

    init(settings: SandboxSettings, clock: any HuiminClock, logger: Logger) {
        self.settings = settings
        self.clock = clock
        self.logger = logger
        ledger = FakeAlipayPayLedger()
        notifier = FakeAlipayPayNotifier(settings: settings, ledger: ledger, clock: clock,
                                         transport: HTTPTransport(timeout: 10), logger: logger)
    }

    /// What a method answers: a success node (code 10000 added by FakeAlipay) or a business error.
    enum Answer {
        case success(any Encodable)
        case failure(code: String, msg: String, subCode: String, subMsg: String)

        static func business(_ subCode: String, _ subMsg: String) -> Answer {
            .failure(code: "40004", msg: "Business Failed", subCode: subCode, subMsg: subMsg)
        }

        static func invalid(_ subCode: String, _ subMsg: String) -> Answer {
            .failure(code: "40002", msg: "Invalid Arguments", subCode: subCode, subMsg: subMsg)
        }
    }

    func handle(method: String, parameters: [String: String], host: String) async -> Answer {
        guard let text = parameters["biz_content"], !text.isEmpty else {
            return .invalid("isv.missing-parameter", "缺少必选参数biz_content")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            return .invalid("isv.invalid-parameter", "biz_content 不是合法的 JSON 对象")
        }
        let biz = object.compactMapValues(Self.string)
        switch method {
        case "alipay.trade.create": return create(biz, notifyURL: parameters["notify_url"])
        case "alipay.trade.query": return query(biz)
        case "alipay.trade.close": return close(biz)
        case "alipay.trade.refund": return await refund(biz)
        case "alipay.trade.fastpay.refund.query": return refundQuery(biz)
        default: return billURL(biz, host: host)
        }
    }

    // MARK: Trades

    struct CreateOut: Encodable {
        let code = "10000"
        let msg = "Success"
        let out_trade_no: String
        let trade_no: String
    }

    private func create(_ biz: [String: String], notifyURL: String?) -> Answer {
        let now = clock.now()
        guard let outTradeNo = biz["out_trade_no"], Self.tradeNoValid(outTradeNo) else {
            return .business("ACQ.INVALID_PARAMETER", "out_trade_no 须为 1 到 64 位字母、数字或下划线")
        }
        guard let amount = biz["total_amount"], let total = Self.fen(amount), total >= 1, total <= 10_000_000_000 else {
            return .business("ACQ.INVALID_PARAMETER", "total_amount 须在 0.01 到 100000000.00 之间，最多两位小数")
        }
        guard let subject = biz["subject"], !subject.isEmpty, subject.count <= 256 else {
            return .business("ACQ.INVALID_PARAMETER", "subject 不能为空，且不超过 256 个字符")
        }
        let buyerOpenID = biz["buyer_open_id"].flatMap { $0.isEmpty ? nil : $0 }
        let buyerUserID = biz["buyer_id"].flatMap { $0.isEmpty ? nil : $0 }
        guard let buyer = buyerOpenID ?? buyerUserID else {
            return .business("ACQ.INVALID_PARAMETER", "buyer_id 和 buyer_open_id 不能同时为空")
        }
        if let userID = buyerUserID, buyerOpenID == nil,
           !(userID.count == 16 && userID.hasPrefix("2088") && userID.allSatisfy(\.isNumber)) {
            return .business("ACQ.BUYER_NOT_EXIST", "买家不存在")
        }
        if let url = notifyURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) || url.count > 256 {
            return .invalid("isv.invalid-notify-url", "notify_url 须为 http(s) 绝对地址")
        }
        var expire = now.addingTimeInterval(Self.defaultTimeout)
        if let text = biz["time_expire"] {
            guard let date = Self.beijingDate(text) else {
                return .business("ACQ.INVALID_PARAMETER", "time_expire 格式须为 yyyy-MM-dd HH:mm:ss")
            }
            guard date > now else { return .business("ACQ.INVALID_PARAMETER", "time_expire 须晚于当前时间") }
            expire = date
        } else if let text = biz["timeout_express"] {
            guard let seconds = Self.timeoutExpress(text) else {
                return .business("ACQ.INVALID_PARAMETER", "timeout_express 取值范围 1m～15d")
            }
            expire = now.addingTimeInterval(seconds)
        }
        return ledger.withState { state in
            if var trade = state.trades[outTradeNo] {
                Self.expire(&trade, now: now)
                state.trades[outTradeNo] = trade
                switch trade.status {
                case "TRADE_SUCCESS", "TRADE_FINISHED": return .business("ACQ.TRADE_HAS_SUCCESS", "交易已被支付")
                case "TRADE_CLOSED": return .business("ACQ.TRADE_HAS_CLOSE", "交易已经关闭")
                default: break
                }
                guard trade.totalFen == total, trade.buyerID == buyer else {
                    return .business("ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改")
                }
                return .success(CreateOut(out_trade_no: outTradeNo, trade_no: trade.tradeNo))
            }
            let tradeNo = FakeAlipay.beijingTime(now).filter(\.isNumber).prefix(8) + "22001"
                + SandboxHTTP.randomString(15, alphabet: SandboxHTTP.digits)
            state.trades[outTradeNo] = .init(
                outTradeNo: outTradeNo, tradeNo: String(tradeNo), subject: subject, totalFen: total, buyerID: buyer,
                buyerIsOpenID: buyerOpenID != nil, notifyURL: notifyURL, passback: biz["passback_params"],
                createdAt: now, timeExpire: expire, status: "WAIT_BUYER_PAY")
            return .success(CreateOut(out_trade_no: outTradeNo, trade_no: String(tradeNo)))
        }
    }

    /// An unpaid trade past its time_expire is closed (Alipay closes it at that moment).
    static func expire(_ trade: inout FakeAlipayPayLedger.Trade, now: Date) {
        if trade.status == "WAIT_BUYER_PAY", let limit = trade.timeExpire, now >= limit {
            trade.status = "TRADE_CLOSED"
            trade.closedAt = limit
        }
    }

    /// The trade named by out_trade_no (or trade_no), expired if due.
    func trade(_ biz: [String: String], in state: inout FakeAlipayPayLedger.State) -> FakeAlipayPayLedger.Trade? {
        let key = biz["out_trade_no"].flatMap { state.trades[$0] != nil ? $0 : nil }
            ?? state.trades.values.first { $0.tradeNo == biz["trade_no"] }?.outTradeNo
        guard let key, var trade = state.trades[key] else { return nil }
        Self.expire(&trade, now: clock.now())
        state.trades[key] = trade
        return trade
    }

    struct FundBill: Encodable {
        let fund_channel: String
        let amount: String
    }

    struct QueryOut: Encodable {
        let code = "10000"
        let msg = "Success"
        let trade_no: String
        let out_trade_no: String
        let buyer_logon_id: String
        let trade_status: String
        let total_amount: String
        let buyer_pay_amount: String?
        let point_amount: String?
        let invoice_amount: String?
        let receipt_amount: String?
        let send_pay_date: String?
        let buyer_user_id: String?
        let buyer_open_id: String?
        let fund_bill_list: [FundBill]?
    }

    private func query(_ biz: [String: String]) -> Answer {
        guard biz["out_trade_no"] != nil || biz["trade_no"] != nil else {
            return .business("ACQ.INVALID_PARAMETER", "out_trade_no 和 trade_no 不能同时为空")
        }
        guard let trade = ledger.withState({ trade(biz, in: &$0) }) else {
            return .business("ACQ.TRADE_NOT_EXIST", "交易不存在")
        }
        let paid = trade.paidAt != nil
        let total = Self.yuan(trade.totalFen)
        return .success(QueryOut(
            trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo, buyer_logon_id: "sbx***@sandbox.com",
            trade_status: trade.status, total_amount: total, buyer_pay_amount: paid ? total : nil,
            point_amount: paid ? "0.00" : nil, invoice_amount: paid ? total : nil, receipt_amount: paid ? total : nil,
            send_pay_date: trade.paidAt.map(FakeAlipay.beijingTime),
            buyer_user_id: trade.buyerIsOpenID ? nil : trade.buyerID, buyer_open_id: trade.buyerIsOpenID ? trade.buyerID : nil,
            fund_bill_list: paid ? [FundBill(fund_channel: "ALIPAYACCOUNT", amount: total)] : nil))
    }

    struct CloseOut: Encodable {
        let code = "10000"
        let msg = "Success"
        let trade_no: String
        let out_trade_no: String
    }

    /// Closes an unpaid trade; closing a closed one again succeeds, a paid one is TRADE_STATUS_ERROR.
    private func close(_ biz: [String: String]) -> Answer {
        let now = clock.now()
        return ledger.withState { state in
            guard var trade = trade(biz, in: &state) else { return .business("ACQ.TRADE_NOT_EXIST", "交易不存在") }
            switch trade.status {
            case "TRADE_SUCCESS", "TRADE_FINISHED":
                return .business("ACQ.TRADE_STATUS_ERROR", "交易状态不合法")
            case "WAIT_BUYER_PAY":
                trade.status = "TRADE_CLOSED"
                trade.closedAt = now
                state.trades[trade.outTradeNo] = trade
            default:
                break
            }
            return .success(CloseOut(trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo))
        }
    }

    // MARK: Values

    /// A biz_content value as text: strings as they are, numbers as written.
    static func string(_ value: Any) -> String? {
        if let text = value as? String { return text }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }

    static func tradeNoValid(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { b in
            (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) || b == UInt8(ascii: "_")
        }
    }

    /// `"25.00"`, `"25.5"`, `"25"` -> fen; more than two decimals, signs or junk -> nil.
    static func fen(_ text: String) -> Int64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 12, whole.allSatisfy(\.isASCII),
              whole.allSatisfy(\.isNumber), let yuan = Int64(whole) else { return nil }
        var cents: Int64 = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy(\.isASCII), fraction.allSatisfy(\.isNumber),
                  let value = Int64(fraction) else { return nil }
            cents = fraction.count == 1 ? value * 10 : value
        }
        return yuan * 100 + cents
    }

    static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        return sign + "\(magnitude / 100)." + String(format: "%02d", Int(magnitude % 100))
    }

    /// `yyyy-MM-dd HH:mm:ss`, Beijing time.
    static func beijingDate(_ text: String) -> Date? {
        let u = Array(text.utf8)
        guard u.count == 19, u[10] == UInt8(ascii: " "), u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
              let midnight = BusinessCalendar.instant(day: String(decoding: u[0..<10], as: UTF8.self), minutes: 0),
              let hour = Int(String(decoding: u[11..<13], as: UTF8.self)),
              let minute = Int(String(decoding: u[14..<16], as: UTF8.self)),
              let second = Int(String(decoding: u[17..<19], as: UTF8.self)),
              hour < 24, minute < 60, second < 60 else { return nil }
        return midnight.addingTimeInterval(TimeInterval(hour * 3600 + minute * 60 + second))
    }

    /// `90m`, `2h`, `1d` (and `1c`, the end of today, read as one day): 1 minute to 15 days.
    static func timeoutExpress(_ text: String) -> TimeInterval? {
        guard let unit = text.last, let count = Int(text.dropLast()), count > 0 else { return nil }
        let seconds: Int
        switch unit {
        case "m": seconds = count * 60
        case "h": seconds = count * 3600
        case "d", "c": seconds = count * 86_400
        default: return nil
        }
        return seconds <= 15 * 86_400 ? TimeInterval(seconds) : nil
    }
}
