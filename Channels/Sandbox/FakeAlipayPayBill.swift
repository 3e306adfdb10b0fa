import CZlib
import Foundation
import HuiminCore
import Hummingbird

/// alipay.data.dataservice.bill.downloadurl.query (`bill_type=trade`, daily `bill_date`) answers a
/// `bill_download_url` valid for 30 seconds; the URL serves the zip Alipay serves:
/// `{pid}0156_{yyyyMMdd}.csv.zip` holding `{pid}0156_{yyyyMMdd}_业务明细.csv` and
/// `…_业务明细(汇总).csv`, GBK-encoded (entry names too, without the UTF-8 flag), made from the
/// fake's records of that Asia/Shanghai day: `#` header and footer lines, 25 columns, IDs suffixed
/// with a TAB, refunds negative with their out_request_no, 服务费 (0.6%, whole fen) negative on
/// payments and returned (positive) on refunds. Bills exist for days before today only (T+1).
extension FakeAlipayPay {
    static let billHeader = "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
        + "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,"
        + "商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注"
    static let billSummaryHeader = "门店编号,门店名称,交易订单总笔数,退款订单总笔数,订单金额（元）,商家实收（元）,支付宝优惠（元）,"
        + "商家优惠（元）,卡消费金额（元）,服务费（元）,分润（元）,实收净额（元）"
    static let billDownloadPath = "/downloadBillFile.resource"
    /// 0.6%, in thousandths of a fen per fen.
    static let feePerMille: Int64 = 6

    struct BillOut: Encodable {
        let code = "10000"
        let msg = "Success"
        let bill_download_url: String
    }

    func billURL(_ biz: [String: String], host: String) -> Answer {
        let now = clock.now()
        guard biz["bill_type"] == "trade" || biz["bill_type"] == "signcustomer" else {
            return .invalid("isv.invalid-parameter", "bill_type 须为 trade 或 signcustomer")
        }
        guard biz["bill_type"] == "trade" else {
            return .business("isp.bill_not_exist", "沙箱仅提供 trade 业务账单")
        }
        guard let day = biz["bill_date"] else { return .invalid("isv.missing-parameter", "缺少 bill_date") }
        guard BusinessCalendar.isDay(day) else {
            // A month `yyyy-MM` is valid for Alipay; the sandbox has daily bills only.
            return day.count == 7 ? .business("isp.bill_not_exist", "沙箱仅提供日账单")
                                  : .invalid("isv.invalid-parameter", "bill_date 格式须为 yyyy-MM-dd 或 yyyy-MM")
        }
        guard let age = BusinessCalendar.daysBetween(day, BusinessCalendar.day(of: now)), age >= 1,
              age <= merchant.billRetentionDays else {
            return .business("isp.bill_not_exist", "账单不存在")
        }
        let compact = day.replacingOccurrences(of: "-", with: "")
        let name = "\(merchant.sellerID)0156_\(compact).csv.zip"
        let bytes = billZip(day: day, exportedAt: now)
        let token = SandboxHTTP.randomString(32, alphabet: SandboxHTTP.alphanumerics)
        ledger.withState { state in
            state.bills = state.bills.filter { $0.value.expires > now }
            state.bills[token] = .init(name: name, bytes: bytes, expires: now.addingTimeInterval(merchant.billURLTTL))
        }
        let stamp = Int64(now.timeIntervalSince1970 * 1000)
        return .success(BillOut(bill_download_url: "http://\(host)\(Self.billDownloadPath)?bizType=trade"
            + "&userId=\(merchant.sellerID)&fileType=csv.zip&bizDates=\(compact)&downloadFileName=\(name)"
            + "&fileId=%2Ftrade%2F\(merchant.sellerID)0156%2F\(compact).csv.zip&timestamp=\(stamp)&token=\(token)"))
    }

    /// `GET /downloadBillFile.resource?…&token=…`: the zip, until the URL's 30 seconds are up.
    func download(_ request: Request) -> Response {
        let token = SandboxHTTP.dictionary(SandboxHTTP.form(request.uri.query))["token"] ?? ""
        let now = clock.now()
        guard let file = ledger.withState({ $0.bills[token] }), file.expires > now else {
            return SandboxHTTP.raw(Array("<html><body>链接已失效，请重新获取下载地址</body></html>".utf8), status: .notFound,
                                   contentType: "text/html;charset=utf-8")
        }
        return Response(status: .ok, headers: [
            .contentType: "application/octet-stream",
            .contentDisposition: "attachment; filename=\"\(file.name)\"",
        ], body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }

    /// The fee in whole fen, rounded half up.
    static func fee(_ fen: Int64) -> Int64 {
        (fen * feePerMille + 500) / 1000
    }

    /// The two CSVs of `day` (UTF-8 here; GBK in the zip): payments made and refunds done that day.
    func billFiles(day: String, exportedAt: Date) -> (detail: String, summary: String) {
        let (trades, refunds) = ledger.withState { state in (Array(state.trades.values), Array(state.refunds.values)) }
        let text = { (value: String) in value.replacingOccurrences(of: ",", with: "，").replacingOccurrences(of: "\n", with: " ") }
        var rows: [(Date, String)] = []
        var payCount = 0, refundCount = 0
        var paySettled: Int64 = 0, refundSettled: Int64 = 0, fees: Int64 = 0
        let account = "sbx***@sandbox.com"
        for trade in trades {
            guard let paidAt = trade.paidAt, BusinessCalendar.day(of: paidAt) == day else { continue }
            let fee = -Self.fee(trade.totalFen)
            payCount += 1; paySettled += trade.totalFen; fees += fee
            let total = Self.yuan(trade.totalFen)
            rows.append((paidAt, [
                trade.tradeNo + "\t", trade.outTradeNo + "\t", "交易", text(trade.subject),
                FakeAlipay.beijingTime(trade.createdAt), FakeAlipay.beijingTime(paidAt), "", "", "", "", account,
                total, total, "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00", "", Self.yuan(fee), "0.00", "",
            ].joined(separator: ",")))
        }
        let byNo = Dictionary(trades.map { ($0.outTradeNo, $0) }, uniquingKeysWith: { first, _ in first })
        for refund in refunds where BusinessCalendar.day(of: refund.at) == day {
            guard let trade = byNo[refund.outTradeNo] else { continue }
            let fee = Self.fee(refund.refundFen)
            refundCount += 1; refundSettled -= refund.refundFen; fees += fee
            let amount = Self.yuan(-refund.refundFen)
            rows.append((refund.at, [
                trade.tradeNo + "\t", trade.outTradeNo + "\t", "退款", text(trade.subject),
                FakeAlipay.beijingTime(trade.createdAt), FakeAlipay.beijingTime(refund.at), "", "", "", "", account,
                amount, amount, "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00", refund.outRequestNo + "\t",
                Self.yuan(fee), "0.00", text(refund.reason ?? ""),
            ].joined(separator: ",")))
        }
        let next = BusinessCalendar.adding(days: 1, to: day) ?? day
        let chinese = { (d: String) in "\(d.prefix(4))年\(d.dropFirst(5).prefix(2))月\(d.suffix(2))日 00:00:00" }
        let exported = FakeAlipay.beijingTime(exportedAt)
        var detail = "#支付宝业务明细查询\r\n#账号：[\(merchant.sellerID)0156]\r\n"
            + "#起始日期：[\(chinese(day))]   终止日期：[\(chinese(next))]\r\n"
            + "#-----------------------------------------业务明细列表----------------------------------------\r\n"
            + Self.billHeader + "\r\n"
        for (_, row) in rows.sorted(by: { $0.0 < $1.0 }) { detail += row + "\r\n" }
        detail += "#-----------------------------------------业务明细列表结束------------------------------------\r\n"
            + "#交易合计：\(payCount)笔，商家实收共\(Self.yuan(paySettled))元，商家优惠共0.00元\r\n"
            + "#退款合计：\(refundCount)笔，商家实收共\(Self.yuan(refundSettled))元，商家优惠共0.00元\r\n"
            + "#导出时间：[\(exported)]\r\n"
        let net = paySettled + refundSettled
        let summary = "#支付宝业务汇总查询\r\n#账号：[\(merchant.sellerID)0156]\r\n"
            + "#起始日期：[\(chinese(day))]   终止日期：[\(chinese(next))]\r\n"
            + "#-----------------------------------------业务汇总列表----------------------------------------\r\n"
            + Self.billSummaryHeader + "\r\n"
            + "合计,,\(payCount),\(refundCount),\(Self.yuan(net)),\(Self.yuan(net)),0.00,0.00,0.00,\(Self.yuan(fees)),0.00,"
            + "\(Self.yuan(net + fees))\r\n"
            + "#-----------------------------------------业务汇总列表结束------------------------------------\r\n"
            + "#导出时间：[\(exported)]\r\n"
        return (detail, summary)
    }

    func billZip(day: String, exportedAt: Date) -> [UInt8] {
        let (detail, summary) = billFiles(day: day, exportedAt: exportedAt)
        let prefix = "\(merchant.sellerID)0156_\(day.replacingOccurrences(of: "-", with: ""))"
        return FakeAlipayZip.create([
            (FakeAlipayZip.gbk(prefix + "_业务明细.csv"), FakeAlipayZip.gbk(detail)),
            (FakeAlipayZip.gbk(prefix + "_业务明细(汇总).csv"), FakeAlipayZip.gbk(summary)),
        ])
    }
}

/// GBK text and a zip of deflated entries over zlib (no ZIPFoundation: its C module clashes with ours).
enum FakeAlipayZip {
    /// `text` in GBK through iconv; characters GBK lacks become `?`.
    static func gbk(_ text: String) -> [UInt8] {
        let cd = iconv_open("GBK//TRANSLIT", "UTF-8")
        guard let cd, cd != iconv_t(bitPattern: -1) else { return Array(text.utf8) }
        defer { iconv_close(cd) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        let written: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!)
                    .assumingMemoryBound(to: CChar.self)
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                    .assumingMemoryBound(to: CChar.self)
                var inLeft = inBuffer.count
                var outLeft = outBuffer.count
                _ = iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft)
                return outBuffer.count - outLeft
            }
        }
        return Array(output.prefix(written))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    static func deflateRaw(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 16)
        var input = bytes
        let produced: Int = input.withUnsafeMutableBufferPointer { source in
            out.withUnsafeMutableBufferPointer { destination in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(source.count)
                stream.next_out = destination.baseAddress
                stream.avail_out = uInt(destination.count)
                guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { return -1 }
                return destination.count - Int(stream.avail_out)
            }
        }
        return produced < 0 ? [] : Array(out.prefix(produced))
    }

    /// Entries with raw (GBK) names, no UTF-8 flag, method 8 (deflate).
    static func create(_ files: [(name: [UInt8], bytes: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func put16(_ v: Int, _ a: inout [UInt8]) { a.append(UInt8(v & 0xFF)); a.append(UInt8(v >> 8 & 0xFF)) }
        func put32(_ v: Int, _ a: inout [UInt8]) { put16(v & 0xFFFF, &a); put16(v >> 16 & 0xFFFF, &a) }
        // 2026-01-01 00:00 in DOS time; the bill's own dates are inside the files.
        let (dosTime, dosDate) = (0, (46 << 9) | (1 << 5) | 1)
        for file in files {
            let data = deflateRaw(file.bytes)
            let crc = Int(crc32(file.bytes))
            let offset = out.count
            put32(0x0403_4B50, &out); put16(20, &out); put16(0, &out); put16(8, &out)
            put16(dosTime, &out); put16(dosDate, &out); put32(crc, &out)
            put32(data.count, &out); put32(file.bytes.count, &out); put16(file.name.count, &out); put16(0, &out)
            out += file.name; out += data
            put32(0x0201_4B50, &central); put16(20, &central); put16(20, &central); put16(0, &central)
            put16(8, &central); put16(dosTime, &central); put16(dosDate, &central); put32(crc, &central)
            put32(data.count, &central); put32(file.bytes.count, &central); put16(file.name.count, &central)
            put16(0, &central); put16(0, &central); put16(0, &central); put16(0, &central); put32(0, &central)
            put32(offset, &central); central += file.name
        }
        let directoryOffset = out.count
        out += central
        put32(0x0605_4B50, &out); put16(0, &out); put16(0, &out); put16(files.count, &out); put16(files.count, &out)
        put32(central.count, &out); put32(directoryOffset, &out); put16(0, &out)
        return out
    }
}
