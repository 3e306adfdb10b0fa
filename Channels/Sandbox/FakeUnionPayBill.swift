import CZlib
import Foundation
import HuiminCore

/// fileTransfer.do (txnType 76, fileType 00): the merchant's files of one clearing date
/// (`settleDate` MMdd, the most recent such date that is already cleared), answered as
/// `fileContent` = base64 of the zlib-deflated zip, with its `fileName`. The zip holds
/// `INN<yyMMdd>88ZM_<merId>` (the 全渠道 普通交易明细, fixed width, one line per consume or
/// refund that cleared that date) and an empty `INN<yyMMdd>88ZME_<merId>` (差错明细). A clearing
/// date runs from 23:00 of the day before to 23:00 Beijing time. A date not cleared yet or
/// beyond retention is 98 文件不存在.
///
/// Each line is the fields below, each left-justified and space-padded to its width (amounts
/// zero-padded fen; 商户手续费/结算金额/清算净额 a `C` (credit to the merchant) or `D` (debit) and 12
/// digits), each followed by one space, lines ending CRLF. Reconciliation's UnionPayBill reads it.
extension FakeUnionPay {
    /// (name, width) of the ZM line, in order.
    static let zmLayout: [(String, Int)] = [
        ("交易代码", 3), ("代理机构标识码", 11), ("发送机构标识码", 11), ("系统跟踪号", 6), ("交易传输时间", 10),
        ("账号", 19), ("交易金额", 12), ("商户类别", 4), ("终端类型", 2), ("查询流水号", 21), ("支付方式(旧)", 2),
        ("商户订单号", 32), ("支付卡类型", 2), ("原始交易的系统跟踪号", 6), ("原始交易日期时间", 10), ("商户手续费", 13),
        ("结算金额", 13), ("支付方式", 4), ("集团商户代码", 15), ("交易类型", 2), ("交易子类", 2), ("业务类型", 6),
        ("账号类型", 2), ("账单类型", 4), ("账单号码", 32), ("交互方式", 1), ("原交易查询流水号", 21), ("商户代码", 15),
        ("分账入账方式", 1), ("二级商户代码", 15), ("二级商户简称", 32), ("二级商户分账入账金额", 13), ("清算净额", 13),
        ("终端号", 8), ("商户自定义域", 32), ("优惠金额", 13), ("发票金额", 13), ("分期付款附加手续费", 12),
        ("分期付款期数", 2), ("交易介质", 1),
    ]

    func bill(_ f: [String: String]) -> Answer {
        let now = clock.now()
        guard let settleDate = f["settleDate"], settleDate.utf8.count == 4, settleDate.allSatisfy(\.isNumber) else {
            return .refusal("10", "报文格式错误[settleDate 须为 MMDD]")
        }
        guard f["fileType"] == "00" else { return .refusal("10", "报文格式错误[fileType]") }
        guard f["txnSubType"] == "01", f["bizType"] == "000000" else { return .refusal("10", "报文格式错误[txnSubType/bizType]") }
        let current = UnionPayClearing.day(of: now, cutoffMinute: merchant.cutoffMinute)
        let year = Int(current.prefix(4))!
        let mmdd = "\(settleDate.prefix(2))-\(settleDate.suffix(2))"
        var day = "\(year)-\(mmdd)"
        // The most recent such date: one later in this year is last year's (a date not cleared yet
        // is not a file).
        if !BusinessCalendar.isDay(day) || day > current { day = "\(year - 1)-\(mmdd)" }
        guard BusinessCalendar.isDay(day), let age = BusinessCalendar.daysBetween(day, current), age >= 1,
              age <= merchant.billRetentionDays else {
            return .refusal("98", "文件不存在")
        }
        let stamp = String(day.filter(\.isNumber).dropFirst(2))
        let zip = FakeAlipayZip.create([
            (Array("INN\(stamp)88ZM_\(merchant.merchantID)".utf8), zmFile(clearingDay: day)),
            (Array("INN\(stamp)88ZME_\(merchant.merchantID)".utf8), []),
        ])
        guard let deflated = Self.zlibCompress(zip) else { return .refusal("06", "系统繁忙") }
        return .success([("txnType", "76"), ("txnSubType", "01"), ("bizType", "000000"), ("settleDate", settleDate),
                         ("txnTime", f["txnTime"] ?? ""), ("fileType", "00"),
                         ("fileName", "\(merchant.merchantID)_\(day.filter(\.isNumber)).zip"),
                         ("fileContent", Data(deflated).base64EncodedString())])
    }

    /// The fee of `fen`, rounded half up.
    func fee(_ fen: Int64) -> Int64 { (fen * merchant.feePerMille + 500) / 1000 }

    /// The ZM lines of one clearing day: consumes paid and refunds done, by time.
    func zmFile(clearingDay day: String) -> [UInt8] {
        let transactions = ledger.withState { state in Array(state.transactions.values) }
        let byQueryID = Dictionary(transactions.compactMap { t in t.queryID.map { ($0, t) } }, uniquingKeysWith: { a, _ in a })
        var lines: [(Date, String)] = []
        for t in transactions where t.clearingDay == day {
            guard let at = t.at, let queryID = t.queryID else { continue }
            let refund = t.txnType == "04"
            let original = t.origQueryID.flatMap { byQueryID[$0] }
            let charge = fee(t.amountFen)
            let amount12 = { (fen: Int64) in String(format: "%012lld", fen) }
            let net = (refund ? "D" : "C") + amount12(t.amountFen - charge)
            let values = [
                refund ? "S30" : "S22", "48020000", "48020000", t.traceNo ?? "", Self.traceTime(at),
                "6216****0018", amount12(t.amountFen), "8062", "08", queryID, "", t.orderID, "01",
                refund ? original?.traceNo ?? "" : "", refund ? original?.at.map(Self.traceTime) ?? "" : "",
                (refund ? "C" : "D") + amount12(charge), net, "0001", "", t.txnType, refund ? "00" : "01", "000201",
                "01", "", "", "", t.origQueryID ?? "", merchant.merchantID, "", "", "", "", net, "",
                t.reserved ?? "", "C" + amount12(0), "C" + amount12(0), amount12(0), "", "",
            ]
            var line = ""
            for ((_, width), value) in zip(Self.zmLayout, values) {
                line += value.padding(toLength: width, withPad: " ", startingAt: 0) + " "
            }
            lines.append((at, line + "\r\n"))
        }
        return Array(lines.sorted { $0.0 < $1.0 }.map(\.1).joined().utf8)
    }

    /// RFC 1950 (zlib) compression, as UnionPay deflates fileContent.
    static func zlibCompress(_ bytes: [UInt8]) -> [UInt8]? {
        var size = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(size))
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in compress2(o.baseAddress, &size, i.baseAddress, uLong(i.count), Z_DEFAULT_COMPRESSION) }
        }
        return status == Z_OK ? Array(out.prefix(Int(size))) : nil
    }
}
