import CZlib
import Crypto
import Foundation
import HuiminCore
import Hummingbird

/// The trade bill: `GET /v3/bill/tradebill` answers `{hash_type, hash_value, download_url}` for a
/// Beijing day and the download URL serves the file (gzip when `tar_type=GZIP`), unsigned, as
/// WeChat Pay does. The file is made from the fake's own records in the ALL layout: 27 columns,
/// every value prefixed with a backtick, amounts in yuan, CRLF, then the summary header and row.
extension FakeWeChatPay {
    static let billHeader = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
        + "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,"
        + "商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
    static let billSummaryHeader = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
    /// 0.60%, in thousandths of a fen per fen.
    static let feePerMille: Int64 = 6
    /// Bills are ready from 10:00 Beijing time the next day, and kept for three months.
    static let billReadyMinute = 10 * 60
    static let billRetentionDays = 90

    struct BillOut: Encodable {
        let hash_type: String
        let hash_value: String
        let download_url: String
    }

    func tradeBill(_ request: Request) -> FakeWeChatPayProtocol.Answer {
        let now = clock.now()
        let query = SandboxHTTP.dictionary(SandboxHTTP.form(request.uri.query))
        guard let day = query["bill_date"], BusinessCalendar.isDay(day) else {
            return wire.error(400, "PARAM_ERROR", "bill_date 须为 YYYY-MM-DD")
        }
        guard (query["bill_type"] ?? "ALL") == "ALL" else {
            return wire.error(400, "PARAM_ERROR", "沙箱仅支持 bill_type=ALL")
        }
        let gzip: Bool
        switch query["tar_type"] {
        case nil: gzip = false
        case "GZIP": gzip = true
        default: return wire.error(400, "PARAM_ERROR", "tar_type 仅支持 GZIP")
        }
        let today = BusinessCalendar.day(of: now)
        guard let age = BusinessCalendar.daysBetween(day, today), age >= 0 else {
            return wire.error(400, "PARAM_ERROR", "bill_date 不能晚于今天")
        }
        if age == 0 || (age == 1 && BusinessCalendar.minuteOfDay(now) < Self.billReadyMinute) {
            return wire.error(400, "STATEMENT_CREATING", "账单生成中")
        }
        guard age <= Self.billRetentionDays, let file = billFile(day: day) else {
            return wire.error(400, "NO_STATEMENT_EXIST", "请求的账单文件不存在")
        }
        let token = SandboxHTTP.randomString(40, alphabet: SandboxHTTP.alphanumerics)
        let served = gzip ? Self.gzip(file) : file
        let corrupt = ledger.withState { state in
            state.bills = state.bills.filter { $0.value.expires > now }
            state.bills[token] = .init(bytes: served, expires: now.addingTimeInterval(merchant.billURLTTL))
            guard state.corruptBillHashes > 0 else { return false }
            state.corruptBillHashes -= 1
            return true
        }
        let host = request.head.authority ?? "127.0.0.1"
        let hash = Insecure.SHA1.hash(data: corrupt ? file + [0] : file).map { String(format: "%02x", $0) }.joined()
        return wire.answer(BillOut(hash_type: "SHA1", hash_value: hash,
                                   download_url: "http://\(host)/v3/billdownload/file?token=\(token)"))
    }

    func download(_ request: Request) -> FakeWeChatPayProtocol.Answer {
        let now = clock.now()
        let token = SandboxHTTP.dictionary(SandboxHTTP.form(request.uri.query))["token"] ?? ""
        guard let file = ledger.withState({ $0.bills[token] }), file.expires > now else {
            return wire.error(400, "INVALID_REQUEST", "下载链接已失效，请重新获取")
        }
        return .init(status: 200, body: file.bytes, contentType: "application/octet-stream", signed: false)
    }

    /// The ALL bill of `day`: payments that succeeded that day and refunds accepted that day; nil
    /// when there are none.
    func billFile(day: String) -> [UInt8]? {
        let (orders, refunds) = ledger.withState { state in (Array(state.orders.values), Array(state.refunds.values)) }
        var rows: [(Date, [String])] = []
        var totals = (settled: Int64(0), refunded: Int64(0), fee: Int64(0), ordered: Int64(0), requested: Int64(0))
        let text = { (value: String?) in (value ?? "").replacingOccurrences(of: ",", with: "，") }
        for order in orders {
            guard let paidAt = order.successTime, let transactionID = order.transactionID,
                  BusinessCalendar.day(of: paidAt) == day else { continue }
            let settled = order.payerFen ?? order.totalFen
            let fee = Self.fee(settled)
            totals.settled += settled; totals.fee += fee; totals.ordered += order.totalFen
            rows.append((paidAt, [
                FakeAlipay.beijingTime(paidAt), order.appid, order.mchid, "0", "", transactionID, order.outTradeNo,
                order.openid, "JSAPI", "SUCCESS", "OTHERS", "CNY", Self.yuan(settled), Self.yuan(order.totalFen - settled),
                "0", "0", "0.00", "0.00", "", "", text(order.description), text(order.attach), Self.yuan(fee, decimals: 5),
                "0.60%", Self.yuan(order.totalFen), "0.00", "",
            ]))
        }
        let ordersByNo = Dictionary(orders.map { ($0.outTradeNo, $0) }, uniquingKeysWith: { first, _ in first })
        for refund in refunds where BusinessCalendar.day(of: refund.createdAt) == day {
            guard let order = ordersByNo[refund.outTradeNo] else { continue }
            // Fees are returned in proportion to the refund.
            let fee = -Self.fee(refund.refundFen)
            totals.refunded += refund.refundFen; totals.fee += fee; totals.requested += refund.refundFen
            rows.append((refund.createdAt, [
                FakeAlipay.beijingTime(refund.createdAt), order.appid, order.mchid, "0", "", refund.transactionID,
                refund.outTradeNo, order.openid, "JSAPI", "REFUND", "OTHERS", "CNY", "0.00", "0.00", refund.refundID,
                refund.outRefundNo, Self.yuan(refund.refundFen), "0.00", "ORIGINAL", refund.status, text(order.description),
                text(order.attach), Self.yuan(fee, decimals: 5), "0.60%", "0.00", Self.yuan(refund.refundFen), "",
            ]))
        }
        guard !rows.isEmpty else { return nil }
        let line = { (values: [String]) in values.map { "`" + $0 }.joined(separator: ",") + "\r\n" }
        var out = Self.billHeader + "\r\n"
        for (_, values) in rows.sorted(by: { $0.0 < $1.0 }) { out += line(values) }
        out += Self.billSummaryHeader + "\r\n"
        out += line([String(rows.count), Self.yuan(totals.settled), Self.yuan(totals.refunded), "0.00",
                     Self.yuan(totals.fee, decimals: 5), Self.yuan(totals.ordered), Self.yuan(totals.requested)])
        return Array(out.utf8)
    }

    /// The fee in fen, rounded half up (WeChat charges whole fen, then prints 5 decimals).
    static func fee(_ fen: Int64) -> Int64 {
        (fen * feePerMille + 500) / 1000
    }

    /// Fen as yuan: `0.01`, or `0.07000` with five decimals.
    static func yuan(_ fen: Int64, decimals: Int = 2) -> String {
        let sign = fen < 0 ? "-" : ""
        let magnitude = fen.magnitude
        return sign + "\(magnitude / 100)." + String(format: "%02d", Int(magnitude % 100)) + String(repeating: "0", count: decimals - 2)
    }

    /// A gzip member (RFC 1952) of `input`.
    static func gzip(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 16: write a gzip header and trailer.
        guard deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        var input = input
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = destination.baseAddress
                stream.avail_out = uInt(destination.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { return [] }
        return Array(output.prefix(Int(stream.total_out)))
    }
}
