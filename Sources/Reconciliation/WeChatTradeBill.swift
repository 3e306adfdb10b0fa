import Foundation
import HuiminCore

/// WeChat Pay v3 trade bill (交易账单), ALL layout (SUCCESS and REFUND layouts parse too).
///
/// Header-driven by column name; values carry a leading backtick; CRLF or LF; optionally gzip.
/// Amounts are yuan with 2 decimals, parsed exactly to fen; 手续费 has 5 decimals and is rounded
/// to fen per line half away from zero, while the summary check adds the exact 5-decimal values.
/// A payment line's amount is 订单金额 (what the order cost, comparable to Huimin's order), or
/// 应结订单金额 / 总金额 when the bill has no 订单金额 column; a refund line's is 退款金额.
public enum WeChatTradeBill {
    static let file = "WeChat trade bill"

    public static func parse(_ input: [UInt8]) throws -> ParsedBill {
        let bytes = Gzip.isGzip(input) ? try Gzip.decompress(input) : input
        return try bytes.withUnsafeBufferPointer { try parse(buffer: $0) }
    }

    static func parse(buffer b: UnsafeBufferPointer<UInt8>) throws -> ParsedBill {
        let encoding = try TextEncoding.detect(b)
        var batch = RecordBatch(side: .channel)
        batch.reserveCapacity(b.count / 240 + 16)
        var totals = BillTotals()
        var header: HeaderMap?
        var cols = Columns()
        var cells: [Range<Int>] = []
        cells.reserveCapacity(32)
        var summaryHeader: HeaderMap?
        var summaryRow: [String]?
        var sums = Sums()
        var billMerchant: String?
        var lastMerchantBytes: [UInt8] = []
        var lastMerchant: UInt16 = 0

        try Bytes.forEachLine(b) { number, line in
            if line.isEmpty || Bytes.trim(b, line).isEmpty { return true }
            if header == nil {
                let names = HeaderMap.names(Bytes.text(b, line, encoding))
                let map = HeaderMap(names)
                guard map["交易时间"] != nil || map["商户订单号"] != nil else {
                    throw BillError.headerMissing(file, ["交易时间", "商户订单号"])
                }
                cols = try Columns(map)
                header = map
                return true
            }
            if summaryHeader != nil {
                Bytes.split(b, line, into: &cells)
                summaryRow = cells.map { Bytes.text(b, Bytes.trim(b, $0), encoding) }
                return false
            }
            Bytes.split(b, line, into: &cells)
            if let first = cells.first, Bytes.text(b, Bytes.trim(b, first), encoding) == "总交易单数" {
                summaryHeader = HeaderMap(HeaderMap.names(Bytes.text(b, line, encoding)))
                return true
            }
            guard cells.count == header!.names.count else {
                throw BillError.lineMalformed(number, "expected \(header!.names.count) fields, found \(cells.count).")
            }
            @inline(__always) func cell(_ i: Int) -> Range<Int> { Bytes.trim(b, cells[i]) }
            guard let time = Bytes.beijingTime(b, cell(cols.time)) else {
                throw BillError.lineMalformed(number, "交易时间 is not a YYYY-MM-DD HH:MM:SS time.")
            }
            let tradeNo = cell(cols.tradeNo)
            guard !tradeNo.isEmpty, tradeNo.count <= RecordBatch.maxFieldBytes else {
                throw BillError.lineMalformed(number, "商户订单号 is empty or longer than \(RecordBatch.maxFieldBytes) bytes.")
            }
            let statusCell = cell(cols.status)
            let kind: UInt8, status: RecordStatus
            if Bytes.equals(b, statusCell, Lit.success) { kind = 0; status = .success }
            else if Bytes.equals(b, statusCell, Lit.revoked) { kind = 0; status = .revoked }
            else if Bytes.equals(b, statusCell, Lit.refund) { kind = 1; status = .success }
            else { throw BillError.lineMalformed(number, "交易状态 must be SUCCESS, REFUND or REVOKED.") }

            func amount(_ column: Int?, _ name: String, decimals: Int = 2) throws -> Int64 {
                guard let column else { return 0 }
                let r = cell(column)
                guard let v = Bytes.decimal(b, r, decimals: decimals) else {
                    throw BillError.amountInvalid(number, name, Bytes.text(b, r, encoding))
                }
                return v
            }
            let settled = try amount(cols.settled, cols.settledName)
            let ordered = try amount(cols.ordered, "订单金额")
            let refunded = try amount(cols.refundAmount, "退款金额")
            let requested = try amount(cols.requested, "申请退款金额")
            let feeMilli = try amount(cols.fee, "手续费", decimals: 5)
            sums.settled += settled; sums.ordered += ordered; sums.refunded += refunded
            sums.requested += requested; sums.fee += feeMilli; sums.count += 1

            var refundNo: Range<Int> = 0..<0
            var sourceId = cell(cols.transactionId)
            var amountFen: Int64
            var finalStatus = status
            if kind == 1 {
                guard let rc = cols.refundNo else {
                    throw BillError.lineMalformed(number, "a REFUND line in a bill without the 商户退款单号 column.")
                }
                refundNo = cell(rc)
                guard !refundNo.isEmpty, refundNo.count <= RecordBatch.maxFieldBytes else {
                    throw BillError.lineMalformed(number, "商户退款单号 is empty on a REFUND line.")
                }
                if let wr = cols.wechatRefundId { sourceId = cell(wr) }
                amountFen = refunded
                if let sc = cols.refundStatus {
                    let s = cell(sc)
                    if Bytes.equals(b, s, Lit.success) || s.isEmpty { finalStatus = .success }
                    else if Bytes.equals(b, s, Lit.processing) { finalStatus = .pending }
                    else { finalStatus = .failed }
                }
            } else {
                amountFen = cols.ordered != nil ? ordered : settled
            }
            guard amountFen >= 0 else { throw BillError.amountInvalid(number, "amount", Bytes.yuan(amountFen)) }
            guard sourceId.count <= RecordBatch.maxFieldBytes else {
                throw BillError.lineMalformed(number, "微信订单号 is longer than \(RecordBatch.maxFieldBytes) bytes.")
            }
            // 特约商户号 (sub-merchant) when the bill is a service provider's, else 商户号.
            var merchantCell = cols.merchant.map(cell) ?? 0..<0
            if let sub = cols.subMerchant {
                let s = cell(sub)
                if !s.isEmpty, !Bytes.equals(b, s, Lit.zero) { merchantCell = s }
            }
            let merchantSlice = UnsafeBufferPointer(rebasing: b[merchantCell])
            if batch.count == 0 || !merchantSlice.elementsEqual(lastMerchantBytes) {
                lastMerchantBytes = Array(merchantSlice)
                lastMerchant = batch.internMerchant(merchantSlice)
                if billMerchant == nil { billMerchant = batch.merchantNames[Int(lastMerchant)] }
            }
            let fee = roundMilliFen(feeMilli)
            batch.appendRaw(kind: kind, status: finalStatus.code, channel: PaymentChannel.wechat.code,
                            merchant: lastMerchant,
                            tradeNo: batch.store(UnsafeBufferPointer(rebasing: b[tradeNo])),
                            refundNo: batch.store(UnsafeBufferPointer(rebasing: b[refundNo])),
                            sourceId: batch.store(UnsafeBufferPointer(rebasing: b[sourceId])), businessRef: 0,
                            amount: amountFen, fee: fee, time: time, day: DayNumber.of(epochSeconds: time),
                            line: UInt32(number))
            if finalStatus == .success || kind == 1 { totals.add(kind: kind, amount: amountFen, fee: fee) }
            return true
        }
        guard header != nil else { throw BillError.headerMissing(file, ["交易时间", "商户订单号"]) }
        guard let summaryHeader, let summaryRow else {
            throw AppError.invalid("bill_summary_missing", "\(file): the summary lines (总交易单数 …) are missing.")
        }
        try checkSummary(summaryHeader, summaryRow, sums, hasOrdered: cols.ordered != nil,
                         hasRequested: cols.requested != nil)
        return ParsedBill(records: batch, encoding: encoding, totals: totals, merchant: billMerchant)
    }

    struct Sums { var count = 0; var settled: Int64 = 0; var ordered: Int64 = 0; var refunded: Int64 = 0
        var requested: Int64 = 0; var fee: Int64 = 0 }

    static func checkSummary(_ header: HeaderMap, _ row: [String], _ sums: Sums, hasOrdered: Bool,
                             hasRequested: Bool) throws {
        guard row.count == header.names.count else {
            throw AppError.invalid("bill_summary_missing", "\(file): the summary row does not match its header.")
        }
        func value(_ name: String, decimals: Int) throws -> Int64? {
            guard let i = header[name] else { return nil }
            let bytes = Array(row[i].utf8)
            guard let v = bytes.withUnsafeBufferPointer({ Bytes.decimal($0, 0..<$0.count, decimals: decimals) }) else {
                throw AppError.invalid("bill_amount_invalid", "Summary \(name) \"\(row[i].prefix(24))\" is not a valid amount.")
            }
            return v
        }
        func check(_ name: String, _ computed: Int64, decimals: Int = 2) throws {
            guard let stated = try value(name, decimals: decimals) else { return }
            guard stated == computed else {
                throw BillError.totalsMismatch(name, stated: Bytes.formatDecimal(stated, decimals: decimals),
                                               computed: Bytes.formatDecimal(computed, decimals: decimals))
            }
        }
        guard header["总交易单数"] != nil else { throw BillError.headerMissing(file + " summary", ["总交易单数"]) }
        try check("总交易单数", Int64(sums.count), decimals: 0)
        try check("应结订单总金额", sums.settled)
        try check("总金额", sums.settled)
        try check("退款总金额", sums.refunded)
        try check("手续费总金额", sums.fee, decimals: 5)
        if hasOrdered { try check("订单总金额", sums.ordered) }
        if hasRequested { try check("申请退款总金额", sums.requested) }
    }

    struct Columns {
        var time = 0, tradeNo = 0, status = 0, transactionId = 0, settled = 0
        var settledName = "应结订单金额"
        var merchant: Int?, subMerchant: Int?, ordered: Int?, refundNo: Int?, refundAmount: Int?
        var requested: Int?, fee: Int?, wechatRefundId: Int?, refundStatus: Int?

        init() {}
        init(_ h: HeaderMap) throws {
            let settledName = h["应结订单金额"] != nil ? "应结订单金额" : "总金额"
            let r = try h.require(WeChatTradeBill.file, ["交易时间", "商户订单号", "交易状态", "微信订单号", settledName])
            (time, tradeNo, status, transactionId, settled) = (r[0], r[1], r[2], r[3], r[4])
            self.settledName = settledName
            merchant = h["商户号"]; subMerchant = h["特约商户号"]; ordered = h["订单金额"]
            refundNo = h["商户退款单号"]; refundAmount = h["退款金额"]; requested = h["申请退款金额"]
            fee = h["手续费"]; wechatRefundId = h["微信退款单号"]; refundStatus = h["退款状态"]
        }
    }

    enum Lit {
        static let success = Array("SUCCESS".utf8), refund = Array("REFUND".utf8), revoked = Array("REVOKED".utf8)
        static let processing = Array("PROCESSING".utf8), zero = Array("0".utf8)
    }
}
