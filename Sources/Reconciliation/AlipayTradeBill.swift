import Foundation
import HuiminCore

/// Alipay 业务明细 bill (收单业务账单, `bill_type=trade`): the downloaded zip
/// (`{pid}0156_{yyyyMMdd}.csv.zip`, GBK, entry names in GBK) or the bare `…_业务明细.csv` a
/// cashier uploads. `#` lines around the table are comments; the footer lines
/// `#交易合计：N笔，商家实收共X元…` and `#退款合计：…` are checked against the lines, and so is the
/// 合计 row of the 业务明细(汇总) file when the zip has one. IDs carry a trailing TAB; refunds have
/// negative amounts and their `out_request_no` in 退款批次号/请求号 (empty means the trade number,
/// as Alipay defaults it); 服务费 is negative when charged, and becomes a positive `feeFen`.
/// The amount of a line is 订单金额（元）, its magnitude for refunds.
public enum AlipayTradeBill {
    static let file = "Alipay 业务明细 bill"

    /// Parses the zip or the bare detail CSV.
    public static func parse(_ bytes: [UInt8]) throws -> ParsedBill {
        guard ZipArchive.isZip(bytes) else {
            return try bytes.withUnsafeBufferPointer { try parseDetail($0) }
        }
        let entries = try ZipArchive.entries(bytes)
        var detail: [UInt8]?
        var summary: [UInt8]?
        for entry in entries where entry.uncompressedSize > 0 {
            let name = entry.name
            if name.contains("汇总") {
                summary = try ZipArchive.extract(entry, from: bytes)
            } else if name.contains("业务明细") {
                detail = try ZipArchive.extract(entry, from: bytes)
            }
        }
        if detail == nil {
            // Names we could not read: tell the files apart by their first line.
            for entry in entries where entry.uncompressedSize > 0 {
                let content = try ZipArchive.extract(entry, from: bytes)
                let first = content.prefix(200)
                let text = TextEncoding.gb18030.decode(Array(first)) ?? String(decoding: first, as: UTF8.self)
                if text.contains("汇总") { summary = content } else if text.contains("明细") { detail = content }
            }
        }
        guard let detail else { throw BillError.archiveInvalid("The zip has no 业务明细 file.") }
        let parsed = try detail.withUnsafeBufferPointer { try parseDetail($0) }
        if let summary { try summary.withUnsafeBufferPointer { try checkSummaryFile($0, parsed) } }
        return parsed
    }

    static func parseDetail(_ b: UnsafeBufferPointer<UInt8>) throws -> ParsedBill {
        let encoding = try TextEncoding.detect(b)
        let lit = Literals(encoding)
        var batch = RecordBatch(side: .channel)
        batch.reserveCapacity(b.count / 200 + 16)
        var totals = BillTotals()
        var header: HeaderMap?
        var cols = Columns()
        var cells: [Range<Int>] = []
        cells.reserveCapacity(32)
        var account = ""
        var merchant: UInt16 = 0
        var settledPay: Int64 = 0, settledRefund: Int64 = 0
        var footer: [(line: Int, text: String)] = []

        try Bytes.forEachLine(b) { number, line in
            let t = Bytes.trim(b, line)
            if t.isEmpty { return true }
            if b[t.lowerBound] == Bytes.hash {
                if header == nil {
                    let text = Bytes.text(b, t, encoding)
                    if text.contains("账号"), let open = text.firstIndex(of: "["), let close = text.lastIndex(of: "]"),
                       open < close {
                        account = String(text[text.index(after: open)..<close])
                        if account.count == 20, account.hasSuffix("0156") { account = String(account.dropLast(4)) }
                    }
                } else if Bytes.contains(b, t, lit.tradeTotal) || Bytes.contains(b, t, lit.refundTotal) {
                    footer.append((number, Bytes.text(b, t, encoding)))
                }
                return true
            }
            if header == nil {
                let map = HeaderMap(HeaderMap.names(Bytes.text(b, line, encoding)))
                cols = try Columns(map)
                header = map
                merchant = batch.internMerchant(account)
                return true
            }
            Bytes.split(b, line, into: &cells)
            let expected = header!.names.count
            if cells.count == expected + 1, Bytes.trim(b, cells[expected]).isEmpty { cells.removeLast() }
            guard cells.count == expected else {
                throw BillError.lineMalformed(number, "expected \(expected) fields, found \(cells.count).")
            }
            @inline(__always) func cell(_ i: Int) -> Range<Int> { Bytes.trim(b, cells[i]) }
            let typeCell = cell(cols.type)
            let kind: UInt8
            if Bytes.equals(b, typeCell, lit.trade) { kind = 0 }
            else if Bytes.equals(b, typeCell, lit.refund) { kind = 1 }
            else { throw BillError.lineMalformed(number, "业务类型 must be 交易 or 退款.") }
            var timeCell = cell(cols.finished)
            if timeCell.isEmpty, let created = cols.created { timeCell = cell(created) }
            guard let time = Bytes.beijingTime(b, timeCell) else {
                throw BillError.lineMalformed(number, "完成时间 is not a YYYY-MM-DD HH:MM:SS time.")
            }
            let tradeNo = cell(cols.tradeNo), sourceId = cell(cols.alipayId)
            guard !tradeNo.isEmpty, tradeNo.count <= RecordBatch.maxFieldBytes, sourceId.count <= RecordBatch.maxFieldBytes else {
                throw BillError.lineMalformed(number, "商户订单号 is empty or an ID is longer than \(RecordBatch.maxFieldBytes) bytes.")
            }
            func amount(_ column: Int?, _ name: String) throws -> Int64 {
                guard let column else { return 0 }
                let r = cell(column)
                if r.isEmpty { return 0 }
                guard let v = Bytes.decimal(b, r, decimals: 2) else {
                    throw BillError.amountInvalid(number, name, Bytes.text(b, r, encoding))
                }
                return v
            }
            let ordered = try amount(cols.ordered, "订单金额（元）")
            let settled = try amount(cols.settled, "商家实收（元）")
            let serviceFee = try amount(cols.fee, "服务费（元）")
            var refundNo: Range<Int> = 0..<0
            if kind == 0 {
                guard ordered >= 0 else { throw BillError.amountInvalid(number, "订单金额（元）", Bytes.yuan(ordered)) }
                settledPay += settled
            } else {
                guard ordered <= 0 else { throw BillError.amountInvalid(number, "订单金额（元）", Bytes.yuan(ordered)) }
                settledRefund += settled
                refundNo = cols.refundNo.map(cell) ?? 0..<0
                if refundNo.isEmpty { refundNo = tradeNo }
                guard refundNo.count <= RecordBatch.maxFieldBytes else {
                    throw BillError.lineMalformed(number, "退款批次号/请求号 is longer than \(RecordBatch.maxFieldBytes) bytes.")
                }
            }
            let amountFen = ordered.magnitude > 0 ? Int64(ordered.magnitude) : 0
            let fee = -serviceFee
            batch.appendRaw(kind: kind, status: RecordStatus.success.code, channel: PaymentChannel.alipay.code,
                            merchant: merchant,
                            tradeNo: batch.store(UnsafeBufferPointer(rebasing: b[tradeNo])),
                            refundNo: batch.store(UnsafeBufferPointer(rebasing: b[refundNo])),
                            sourceId: batch.store(UnsafeBufferPointer(rebasing: b[sourceId])), businessRef: 0,
                            amount: amountFen, fee: fee, time: time, day: DayNumber.of(epochSeconds: time),
                            line: UInt32(number))
            totals.add(kind: kind, amount: amountFen, fee: fee)
            return true
        }
        guard header != nil else { throw BillError.headerMissing(file, Columns.required) }
        for (line, text) in footer {
            guard let stated = footerFigures(text) else {
                throw BillError.lineMalformed(line, "the total line cannot be read.")
            }
            let isTrade = text.contains("交易合计")
            let (count, settled) = isTrade ? (totals.paymentCount, settledPay) : (totals.refundCount, settledRefund)
            let what = isTrade ? "交易合计" : "退款合计"
            guard stated.count == count else {
                throw BillError.totalsMismatch(what + " 笔数", stated: String(stated.count), computed: String(count))
            }
            guard stated.settledFen == settled else {
                throw BillError.totalsMismatch(what + " 商家实收", stated: Bytes.yuan(stated.settledFen),
                                               computed: Bytes.yuan(settled))
            }
        }
        return ParsedBill(records: batch, encoding: encoding, totals: totals, merchant: account.isEmpty ? nil : account)
    }

    /// `#交易合计：5笔，商家实收共150.00元，商家优惠共0.00元` -> (5, 15000).
    static func footerFigures(_ text: String) -> (count: Int, settledFen: Int64)? {
        guard let colon = text.firstIndex(where: { $0 == "：" || $0 == ":" }),
              let bi = text[colon...].firstIndex(of: "笔"),
              let count = Int(text[text.index(after: colon)..<bi].trimmingCharacters(in: .whitespaces)),
              let s = text.range(of: "商家实收共") else { return nil }
        let rest = text[s.upperBound...]
        guard let e = rest.firstIndex(of: "元") else { return nil }
        let bytes = Array(rest[..<e].trimmingCharacters(in: .whitespaces).utf8)
        guard let fen = bytes.withUnsafeBufferPointer({ Bytes.decimal($0, 0..<$0.count, decimals: 2) }) else { return nil }
        return (count, fen)
    }

    /// The 业务明细(汇总) file: its 合计 row must agree with the detail lines.
    static func checkSummaryFile(_ b: UnsafeBufferPointer<UInt8>, _ parsed: ParsedBill) throws {
        let encoding = try TextEncoding.detect(b)
        var header: HeaderMap?
        var cells: [Range<Int>] = []
        var failure: AppError?
        Bytes.forEachLine(b) { _, line in
            let t = Bytes.trim(b, line)
            if t.isEmpty || b[t.lowerBound] == Bytes.hash { return true }
            if header == nil {
                header = HeaderMap(HeaderMap.names(Bytes.text(b, line, encoding)))
                return true
            }
            Bytes.split(b, line, into: &cells)
            let values = cells.map { Bytes.text(b, Bytes.trim(b, $0), encoding) }
            guard values.contains(where: { $0.hasPrefix("合计") }), let h = header else { return true }
            func fen(_ name: String) -> Int64? {
                guard let i = h[name], i < values.count else { return nil }
                let bytes = Array(values[i].utf8)
                return bytes.withUnsafeBufferPointer { Bytes.decimal($0, 0..<$0.count, decimals: 2) }
            }
            func number(_ name: String) -> Int? {
                guard let i = h[name], i < values.count else { return nil }
                return Int(values[i])
            }
            if let n = number("交易订单总笔数"), n != parsed.totals.paymentCount {
                failure = BillError.totalsMismatch("交易订单总笔数", stated: String(n), computed: String(parsed.totals.paymentCount))
            } else if let n = number("退款订单总笔数"), n != parsed.totals.refundCount {
                failure = BillError.totalsMismatch("退款订单总笔数", stated: String(n), computed: String(parsed.totals.refundCount))
            } else if let fee = fen("服务费(元)"), -fee != parsed.totals.feeFen {
                failure = BillError.totalsMismatch("服务费(元)", stated: Bytes.yuan(fee), computed: Bytes.yuan(-parsed.totals.feeFen))
            } else if let ordered = fen("订单金额(元)"), ordered != parsed.totals.paymentFen - parsed.totals.refundFen {
                failure = BillError.totalsMismatch("订单金额(元)", stated: Bytes.yuan(ordered),
                                                   computed: Bytes.yuan(parsed.totals.paymentFen - parsed.totals.refundFen))
            }
            return false
        }
        if let failure { throw failure }
    }

    struct Columns {
        static let required = ["支付宝交易号", "商户订单号", "业务类型", "完成时间", "订单金额(元)"]
        var alipayId = 0, tradeNo = 0, type = 0, finished = 0, ordered = 0
        var created: Int?, settled: Int?, refundNo: Int?, fee: Int?
        init() {}
        init(_ h: HeaderMap) throws {
            let r = try h.require(AlipayTradeBill.file, Self.required)
            (alipayId, tradeNo, type, finished, ordered) = (r[0], r[1], r[2], r[3], r[4])
            created = h["创建时间"]; settled = h["商家实收(元)"]; refundNo = h["退款批次号/请求号"]; fee = h["服务费(元)"]
        }
    }

    /// Chinese cell values in the file's own encoding, so rows are compared as bytes.
    struct Literals {
        let trade: [UInt8], refund: [UInt8], tradeTotal: [UInt8], refundTotal: [UInt8]
        init(_ e: TextEncoding) {
            trade = e.encode("交易"); refund = e.encode("退款")
            tradeTotal = e.encode("交易合计"); refundTotal = e.encode("退款合计")
        }
    }
}
