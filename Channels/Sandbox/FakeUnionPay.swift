import Foundation
import HuiminCore
import Hummingbird
import Logging
import Transport

/// UnionPay's 全渠道 gateway (ACP 5.1.0) on the real paths: `POST /gateway/api/appTransReq.do`
/// (消费 for the app control, answers `tn`), `/gateway/api/backTransReq.do` (退货),
/// `/gateway/api/queryTrans.do` and `/gateway/api/fileTransfer.do` (the bill).
///
/// Requests are form-encoded and must be signed (`signMethod=01`: SHA256withRSA over the SHA-256
/// hex of the sorted `k=v&…` fields) with the merchant key named by `certId`; answers are raw
/// `k=v&…` text (values not URL-encoded, as UnionPay sends them) with UnionPay's signing
/// certificate (`signPubKeyCert`, here its public key) and `signature`, signed with the platform
/// key. Refusals are `respCode`/`respMsg` in a signed answer. Validation follows ACP: orderId
/// 8–32 letters and digits, txnTime `yyyyMMddHHmmss` within a day of now, txnAmt whole fen > 0,
/// a used orderId is 12 重复交易, an unknown transaction 34, refunds only on a paid consume and
/// never more than what is left (36). The payer and notifications are the control routes of
/// FakeUnionPayControl; the bill is FakeUnionPayBill.
struct FakeUnionPay: Sendable {
    static let version = "5.1.0"

    let settings: SandboxSettings
    let clock: any HuiminClock
    let faults: FaultPlan
    let logger: Logger
    let ledger: FakeUnionPayLedger
    let notifier: FakeUnionPayNotifier

    var merchant: UnionPaySandboxSettings { settings.unionPay }

    init(settings: SandboxSettings, clock: any HuiminClock, faults: FaultPlan, logger: Logger) {
        self.settings = settings
        self.clock = clock
        self.faults = faults
        self.logger = logger
        ledger = FakeUnionPayLedger()
        notifier = FakeUnionPayNotifier(settings: settings, ledger: ledger, clock: clock,
                                        transport: HTTPTransport(timeout: 10), logger: logger)
    }

    /// What a request answers: its own fields on success (respCode 00 added) or a refusal.
    enum Answer {
        case success([(String, String)])
        case refusal(String, String)
    }

    func register(on router: Router<BasicRequestContext>) {
        for path in ["appTransReq.do", "backTransReq.do", "queryTrans.do", "fileTransfer.do"] {
            router.post(RouterPath(stringLiteral: "/gateway/api/" + path)) { request, _ in
                try await gateway(path, request)
            }
        }
        registerControl(on: router)
    }

    private func gateway(_ path: String, _ request: Request) async throws -> Response {
        let pairs = SandboxHTTP.form(String(decoding: try await SandboxHTTP.body(request), as: UTF8.self))
        let fields = SandboxHTTP.dictionary(pairs)
        if let fault = faults.take(.unionpay) {
            if fault.kind == .timeout { await FaultPlan.hang(seconds: settings.faultHangSeconds) }
            return answer(request: fields, .refusal(fault.errorCode ?? "06", "系统繁忙，请稍后再试[sandbox fault]"))
        }
        guard fields["version"] == Self.version, fields["encoding"]?.uppercased() == "UTF-8" else {
            return answer(request: fields, .refusal("10", "报文格式错误[version/encoding]"))
        }
        guard fields["signMethod"] == "01", let signature = fields["signature"], !signature.isEmpty else {
            return answer(request: fields, .refusal("11", "验证签名失败[缺少签名或签名方法不支持]"))
        }
        // The merchant's key is chosen by certId; an unknown certificate cannot verify anything.
        guard fields["certId"] == merchant.certID,
              FakeUnionPaySignature.verify(pairs, key: settings.keys.unionPay.merchantPublicKey) else {
            return answer(request: fields, .refusal("11", "验证签名失败"))
        }
        guard fields["merId"] == merchant.merchantID else {
            return answer(request: fields, .refusal("31", "商户状态不正确[商户号不存在]"))
        }
        guard fields["accessType"] == "0" else { return answer(request: fields, .refusal("10", "报文格式错误[accessType]")) }
        let result: Answer
        switch (path, fields["txnType"]) {
        case ("appTransReq.do", "01"): result = consume(fields)
        case ("queryTrans.do", "00"): result = query(fields)
        case ("backTransReq.do", "04"): result = refund(fields)
        case ("fileTransfer.do", "76"): result = bill(fields)
        default: result = .refusal("10", "报文格式错误[txnType 与接口不符]")
        }
        return answer(request: fields, result)
    }

    // MARK: Consume and query

    private func consume(_ f: [String: String]) -> Answer {
        let now = clock.now()
        if let refusal = Self.common(f, now: now) { return refusal }
        guard f["txnSubType"] == "01", f["bizType"] == "000201", f["channelType"] == "08" || f["channelType"] == "07" else {
            return .refusal("10", "报文格式错误[txnSubType/bizType/channelType]")
        }
        guard f["currencyCode"] == "156" else { return .refusal("10", "报文格式错误[currencyCode]") }
        guard let backURL = f["backUrl"], backURL.hasPrefix("http://") || backURL.hasPrefix("https://") else {
            return .refusal("13", "报文交易要素缺失[backUrl]")
        }
        var payTimeout = now.addingTimeInterval(24 * 3600)
        if let text = f["payTimeout"], !text.isEmpty {
            guard let date = Self.date(text), date > now else { return .refusal("10", "报文格式错误[payTimeout]") }
            payTimeout = date
        }
        if let reserved = f["reqReserved"], reserved.count > 32 { return .refusal("10", "报文格式错误[reqReserved]") }
        let orderID = f["orderId"]!, txnTime = f["txnTime"]!
        let tn = txnTime + SandboxHTTP.randomString(7, alphabet: SandboxHTTP.digits)
        return ledger.withState { state in
            guard state.transactions[orderID] == nil else { return .refusal("12", "重复交易") }
            state.transactions[orderID] = .init(
                orderID: orderID, txnTime: txnTime, txnType: "01", amountFen: Self.fen(f["txnAmt"]) ?? 0, backURL: backURL,
                reserved: f["reqReserved"], createdAt: now, payTimeout: payTimeout, tn: tn, status: .waiting)
            return .success(Self.echo(f, ["txnType", "txnSubType", "bizType", "orderId", "txnTime", "reqReserved"])
                + [("tn", tn)])
        }
    }

    /// queryTrans.do: respCode 00 says the query worked; origRespCode is the transaction's own result
    /// (00 done, 05 accepted and not finished — an unpaid consume — 01 failed, here: expired unpaid).
    private func query(_ f: [String: String]) -> Answer {
        guard let orderID = f["orderId"], let txnTime = f["txnTime"] else { return .refusal("13", "报文交易要素缺失") }
        let now = clock.now()
        guard let t = ledger.withState({ state -> FakeUnionPayLedger.Transaction? in
            guard var t = state.transactions[orderID], t.txnTime == txnTime else { return nil }
            Self.expire(&t, now: now)
            state.transactions[orderID] = t
            return t
        }) else { return .refusal("34", "查无此交易") }
        var out: [(String, String)] = [
            ("orderId", t.orderID), ("txnTime", t.txnTime), ("txnType", t.txnType), ("txnAmt", String(t.amountFen)),
            ("currencyCode", "156"),
        ]
        switch t.status {
        case .waiting:
            out += [("origRespCode", "05"), ("origRespMsg", "交易已受理，请稍后查询交易结果")]
        case .expired:
            out += [("origRespCode", "01"), ("origRespMsg", "交易失败[订单已超时]")]
        case .paid, .refunded:
            out += [("origRespCode", "00"), ("origRespMsg", "成功[0000000]")] + settledFields(t)
        }
        if let reserved = t.reserved { out.append(("reqReserved", reserved)) }
        if let orig = t.origQueryID { out.append(("origQryId", orig)) }
        return .success(out)
    }

    /// An unpaid consume past its payTimeout can no longer be paid.
    static func expire(_ t: inout FakeUnionPayLedger.Transaction, now: Date) {
        if t.status == .waiting, let limit = t.payTimeout, now >= limit { t.status = .expired }
    }

    /// What a done transaction reports: its ids, trace, clearing date and settled amount.
    func settledFields(_ t: FakeUnionPayLedger.Transaction) -> [(String, String)] {
        guard let at = t.at, let queryID = t.queryID, let day = t.clearingDay else { return [] }
        return [("queryId", queryID), ("traceNo", t.traceNo ?? ""), ("traceTime", Self.traceTime(at)),
                ("settleDate", String(day.dropFirst(5).filter(\.isNumber))), ("settleAmt", String(t.amountFen)),
                ("settleCurrencyCode", "156"), ("accNo", "6216****0018"), ("payCardType", "01"), ("payType", "0001")]
    }

    /// Marks a transaction done now: a queryId, the next trace number and its clearing day.
    func settle(_ t: inout FakeUnionPayLedger.Transaction, now: Date, state: inout FakeUnionPayLedger.State) {
        let queryID = UnionPayClearing.queryID(now)
        t.queryID = queryID
        t.traceNo = String(format: "%06d", state.nextTrace % 1_000_000)
        state.nextTrace += 1
        t.at = now
        t.clearingDay = UnionPayClearing.day(of: now, cutoffMinute: merchant.cutoffMinute)
        state.byQueryID[queryID] = t.orderID
    }

    // MARK: Wire

    /// The checks every transaction request shares: orderId, txnTime (format, within a day), txnAmt.
    static func common(_ f: [String: String], now: Date) -> Answer? {
        guard let orderID = f["orderId"], let txnTime = f["txnTime"], let amount = f["txnAmt"] else {
            return .refusal("13", "报文交易要素缺失[orderId/txnTime/txnAmt]")
        }
        guard (8...32).contains(orderID.utf8.count), orderID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return .refusal("10", "报文格式错误[orderId 须为 8 到 32 位字母或数字]")
        }
        guard let sent = date(txnTime) else { return .refusal("10", "报文格式错误[txnTime]") }
        guard abs(sent.timeIntervalSince(now)) <= 24 * 3600 else {
            return .refusal("10", "报文格式错误[txnTime 与当前时间相差超过一天]")
        }
        guard let fen = fen(amount), fen > 0 else { return .refusal("10", "报文格式错误[txnAmt]") }
        return nil
    }

    static func echo(_ f: [String: String], _ names: [String]) -> [(String, String)] {
        names.compactMap { name in f[name].flatMap { $0.isEmpty ? nil : (name, $0) } }
    }

    /// Every answer: the common fields, the request's own, respCode/respMsg, the certificate and
    /// the signature; raw `k=v&…`.
    private func answer(request f: [String: String], _ result: Answer) -> Response {
        var fields: [(String, String)] = [("version", Self.version), ("encoding", "UTF-8"), ("signMethod", "01"),
                                          ("accessType", "0"), ("merId", f["merId"] ?? "")]
        switch result {
        case .success(let own):
            fields += own + [("respCode", "00"), ("respMsg", "成功[0000000]")]
        case .refusal(let code, let message):
            fields += Self.echo(f, ["txnType", "txnSubType", "bizType", "orderId", "txnTime"])
                + [("respCode", code), ("respMsg", message)]
        }
        let signed = FakeUnionPaySignature.sign(fields, keys: settings.keys.unionPay)
        let body = signed.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        return SandboxHTTP.raw(Array(body.utf8), contentType: "text/html;charset=UTF-8")
    }

    static func fen(_ text: String?) -> Int64? {
        guard let text, !text.isEmpty, text.utf8.count <= 12, text.utf8.allSatisfy({ (48...57).contains($0) }) else {
            return nil
        }
        return Int64(text)
    }

    /// `yyyyMMddHHmmss`, Beijing.
    static func date(_ text: String) -> Date? {
        let u = Array(text.utf8)
        guard u.count == 14, u.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let wall = "\(text.prefix(4))-\(text.dropFirst(4).prefix(2))-\(text.dropFirst(6).prefix(2)) "
            + "\(text.dropFirst(8).prefix(2)):\(text.dropFirst(10).prefix(2)):\(text.dropFirst(12).prefix(2))"
        return BusinessCalendar.instant(wallClock: Array(wall.utf8), separator: UInt8(ascii: " "))
    }

    /// `MMddHHmmss`, Beijing.
    static func traceTime(_ date: Date) -> String {
        String(FakeAlipay.beijingTime(date).filter(\.isNumber).dropFirst(4))
    }
}

/// UnionPay's clearing calendar and ids.
enum UnionPayClearing {
    /// The clearing day (YYYY-MM-DD) of an instant: its Beijing day, or the next one from the
    /// cut-off (23:00) on.
    static func day(of date: Date, cutoffMinute: Int) -> String {
        let day = BusinessCalendar.day(of: date)
        guard BusinessCalendar.minuteOfDay(date) >= cutoffMinute else { return day }
        return BusinessCalendar.adding(days: 1, to: day) ?? day
    }

    /// 21 digits: Beijing `yyyyMMddHHmmss` and 7 random digits.
    static func queryID(_ now: Date) -> String {
        FakeAlipay.beijingTime(now).filter(\.isNumber) + SandboxHTTP.randomString(7, alphabet: SandboxHTTP.digits)
    }
}

/// ACP `signMethod=01` on the UnionPay side: verifies the merchant's requests, signs answers and
/// notifications with the platform key (adding `signPubKeyCert`, here the public key's PEM).
enum FakeUnionPaySignature {
    static func content(_ fields: [(String, String)]) -> String {
        fields.filter { $0.0 != "signature" && !$0.1.isEmpty }.sorted { $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    static func digest(_ fields: [(String, String)]) -> [UInt8] {
        Array(Digest.sha256Hex(Array(content(fields).utf8)).utf8)
    }

    static func sign(_ fields: [(String, String)], keys: SandboxUnionPayKeys) -> [(String, String)] {
        let all = fields.filter { !$0.1.isEmpty } + [("signPubKeyCert", keys.platformPublicKey.pem)]
        let signature = (try? keys.platformPrivateKey.sign(digest(all))).map { Data($0).base64EncodedString() } ?? ""
        return all + [("signature", signature)]
    }

    static func verify(_ fields: [(String, String)], key: RSA2PublicKey) -> Bool {
        guard let text = SandboxHTTP.dictionary(fields)["signature"], let signature = Data(base64Encoded: text) else {
            return false
        }
        return key.verify(signature: Array(signature), message: digest(fields))
    }
}
