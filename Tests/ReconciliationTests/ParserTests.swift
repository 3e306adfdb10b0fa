import Foundation
import HuiminCore
import Testing
@testable import Reconciliation

@Suite struct AmountAndTextTests {
    func fen(_ s: String, _ decimals: Int = 2) -> Int64? {
        let b = Array(s.utf8)
        return b.withUnsafeBufferPointer { Bytes.decimal($0, 0..<$0.count, decimals: decimals) }
    }

    @Test func yuanParsesExactlyToFen() {
        #expect(fen("0.01") == 1)
        #expect(fen("1") == 100)
        #expect(fen("1.5") == 150)
        #expect(fen("-0.01") == -1)
        #expect(fen("123456.78") == 12_345_678)
        #expect(fen("0.07404", 5) == 7_404)
        for bad in ["1.234", "abc", "", "-", "1.", ".5", "1e3", "1,000.00", "0x10", "1.2.3", " 1"] {
            #expect(fen(bad) == nil, "\(bad)")
        }
    }

    @Test func feesRoundHalfAwayFromZero() {
        #expect(roundMilliFen(7_404) == 7)
        #expect(roundMilliFen(7_500) == 8)
        #expect(roundMilliFen(7_499) == 7)
        #expect(roundMilliFen(-7_500) == -8)
        #expect(roundMilliFen(-7_404) == -7)
    }

    @Test func encodingsAreDetected() throws {
        let chinese = "交易,退款\n"
        let gbk = TextEncoding.gb18030.encode(chinese)
        #expect(gbk.count == 10)  // two bytes a character
        #expect(try gbk.withUnsafeBufferPointer { try TextEncoding.detect($0) } == .gb18030)
        #expect(TextEncoding.gb18030.decode(gbk) == chinese)
        #expect(try Array(chinese.utf8).withUnsafeBufferPointer { try TextEncoding.detect($0) } == .utf8)
        let garbage: [UInt8] = [0x41, 0xFF, 0xFF, 0xFF, 0x0A]
        #expect(Fixture.code { _ = try garbage.withUnsafeBufferPointer { try TextEncoding.detect($0) } } == "bill_encoding_invalid")
    }

    @Test func gzipAndZipRoundTrip() throws {
        let text = Array(String(repeating: "交易,0.01\r\n", count: 1000).utf8)
        #expect(try Gzip.decompress(Gzip.compress(text)) == text)
        let zip = ZipArchive.create([(TextEncoding.gb18030.encode("明细.csv"), false, text)])
        let entries = try ZipArchive.entries(zip)
        #expect(entries.count == 1 && entries[0].name == "明细.csv")
        #expect(try ZipArchive.extract(entries[0], from: zip) == text)
        var broken = zip
        broken[40] ^= 0xFF  // inside the deflated data
        #expect(Fixture.code { _ = try ZipArchive.extract(ZipArchive.entries(broken)[0], from: broken) } == "bill_archive_invalid")
    }
}

@Suite struct WeChatBillTests {
    @Test func parsesTheGeneratedBill() throws {
        let g = Fixture.smallWeChat
        let bill = try WeChatTradeBill.parse(g.channelBill)
        #expect(bill.records.count == g.channelLines)
        #expect(bill.encoding == .utf8)
        #expect(bill.merchant == "1900000109")
        let first = bill.records[0]
        #expect(first.channel == .wechat && first.tradeNo.count == 23 && first.line == 2)
        #expect(first.day == "2026-11-24" || first.day == "2026-11-23")
        let refund = try #require(bill.records.records.first { $0.kind == .refund })
        #expect(refund.refundNo.hasPrefix("R") && refund.feeFen <= 0 && refund.sourceId.hasPrefix("50300"))
        // Gzip, LF line ends and a shuffled column order give the same lines.
        #expect(try WeChatTradeBill.parse(Gzip.compress(g.channelBill)).records.records == bill.records.records)
        let lf = Array(String(decoding: g.channelBill, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8)
        #expect(try WeChatTradeBill.parse(lf).records.records.map(\.amountFen) == bill.records.records.map(\.amountFen))
        var lines = Fixture.lines(g.channelBill)
        let summaryAt = lines.firstIndex { $0.hasPrefix("总交易单数") }!
        for i in 0..<summaryAt where !lines[i].isEmpty {
            var cells = lines[i].components(separatedBy: ",")
            cells.swapAt(0, 6)   // 交易时间 <-> 商户订单号
            cells.swapAt(12, 24) // 应结订单金额 <-> 订单金额
            lines[i] = cells.joined(separator: ",")
        }
        let shuffled = try WeChatTradeBill.parse(Fixture.join(lines)).records.records
        #expect(shuffled.map(\.tradeNo) == bill.records.records.map(\.tradeNo))
        #expect(shuffled.map(\.time) == bill.records.records.map(\.time))
    }

    @Test func missingHeader() {
        var lines = Fixture.lines(Fixture.smallWeChat.channelBill)
        lines.removeFirst()
        #expect(Fixture.code { _ = try WeChatTradeBill.parse(Fixture.join(lines)) } == "bill_header_missing")
        var noStatus = Fixture.lines(Fixture.smallWeChat.channelBill)
        noStatus[0] = noStatus[0].replacingOccurrences(of: "交易状态", with: "状态")
        #expect(Fixture.message { _ = try WeChatTradeBill.parse(Fixture.join(noStatus)) }.contains("交易状态"))
    }

    @Test func malformedLineNamesItsNumber() {
        var lines = Fixture.lines(Fixture.smallWeChat.channelBill)
        lines[2] = lines[2].components(separatedBy: ",").dropLast().joined(separator: ",")
        #expect(Fixture.code { _ = try WeChatTradeBill.parse(Fixture.join(lines)) } == "bill_line_malformed")
        #expect(Fixture.message { _ = try WeChatTradeBill.parse(Fixture.join(lines)) }.hasPrefix("Line 3:"))
        var status = Fixture.lines(Fixture.smallWeChat.channelBill)
        status[1] = status[1].replacingOccurrences(of: "`SUCCESS,", with: "`PAID,")
        #expect(Fixture.code { _ = try WeChatTradeBill.parse(Fixture.join(status)) } == "bill_line_malformed")
    }

    @Test(arguments: ["1.234", "abc", "", "1e2"])
    func badAmounts(_ bad: String) {
        var lines = Fixture.lines(Fixture.smallWeChat.channelBill)
        var cells = lines[1].components(separatedBy: ",")
        cells[24] = "`" + bad  // 订单金额
        lines[1] = cells.joined(separator: ",")
        #expect(Fixture.code { _ = try WeChatTradeBill.parse(Fixture.join(lines)) } == "bill_amount_invalid")
    }

    @Test func totalsMustAddUp() {
        let lines = Fixture.lines(Fixture.smallWeChat.channelBill)
        let summaryAt = lines.firstIndex { $0.hasPrefix("总交易单数") }! + 1
        for column in [0, 1, 2, 4, 5] {
            var altered = lines
            var cells = altered[summaryAt].components(separatedBy: ",")
            cells[column] = column == 0 ? "`1" : (column == 4 ? "`0.00001" : "`0.01")
            altered[summaryAt] = cells.joined(separator: ",")
            #expect(Fixture.code { _ = try WeChatTradeBill.parse(Fixture.join(altered)) } == "bill_totals_mismatch", "column \(column)")
        }
        var noSummary = lines
        noSummary.removeSubrange((summaryAt - 1)...)
        #expect(Fixture.code { _ = try WeChatTradeBill.parse(Fixture.join(noSummary)) } == "bill_summary_missing")
    }

    @Test func subFenFeesRoundPerLineAndAddUpExactly() throws {
        let bill = try WeChatTradeBill.parse(Fixture.smallWeChat.channelBill)
        for r in bill.records.records.prefix(20) {
            let exact = r.amountFen * 6  // 0.6% in thousandths of a fen
            #expect(abs(r.feeFen) == (exact + 500) / 1000)
        }
    }

    @Test func invalidEncoding() {
        var bytes = Fixture.smallWeChat.channelBill
        bytes.insert(contentsOf: [0xFF, 0xFE, 0xFF], at: 200)
        #expect(Fixture.code { _ = try WeChatTradeBill.parse(bytes) } == "bill_encoding_invalid")
    }
}

@Suite struct AlipayBillTests {
    func detail(_ g: GeneratedDay) throws -> [UInt8] {
        let zip = g.channelBill
        let entry = try ZipArchive.entries(zip).first { !$0.name.contains("汇总") }!
        return try ZipArchive.extract(entry, from: zip)
    }

    @Test func zipAndBareCSVGiveTheSameLines() throws {
        let g = Fixture.smallAlipay
        let fromZip = try AlipayTradeBill.parse(g.channelBill)
        #expect(fromZip.encoding == .gb18030)
        #expect(fromZip.merchant == "2088102177846880")
        #expect(fromZip.records.count == g.channelLines)
        let csv = try detail(g)
        let bare = try AlipayTradeBill.parse(csv)
        #expect(bare.records.records == fromZip.records.records)
        let refund = try #require(bare.records.records.first { $0.kind == .refund })
        #expect(refund.amountFen > 0 && refund.feeFen <= 0 && refund.refundNo.hasPrefix("R"))
        let payment = try #require(bare.records.records.first { $0.kind == .payment })
        #expect(payment.feeFen >= 0 && !payment.tradeNo.hasSuffix("\t"))
        // The same file saved as UTF-8 reads the same: GBK is decoded, not misread.
        let utf8 = Array(TextEncoding.gb18030.decode(csv)!.utf8)
        let again = try AlipayTradeBill.parse(utf8)
        #expect(again.encoding == .utf8 && again.records.records == bare.records.records)
    }

    func text(_ g: GeneratedDay) throws -> [String] {
        TextEncoding.gb18030.decode(try detail(g))!.components(separatedBy: "\r\n")
    }

    func gbk(_ lines: [String]) -> [UInt8] { TextEncoding.gb18030.encode(lines.joined(separator: "\r\n")) }

    @Test func errors() throws {
        let lines = try text(Fixture.smallAlipay)
        let headerAt = lines.firstIndex { $0.hasPrefix("支付宝交易号") }!
        var noHeader = lines; noHeader.remove(at: headerAt)
        #expect(Fixture.code { _ = try AlipayTradeBill.parse(gbk(noHeader)) } == "bill_header_missing")

        var short = lines
        short[headerAt + 1] = short[headerAt + 1].components(separatedBy: ",").prefix(10).joined(separator: ",")
        #expect(Fixture.code { _ = try AlipayTradeBill.parse(gbk(short)) } == "bill_line_malformed")
        #expect(Fixture.message { _ = try AlipayTradeBill.parse(gbk(short)) }.hasPrefix("Line \(headerAt + 2):"))

        var type = lines
        type[headerAt + 1] = type[headerAt + 1].replacingOccurrences(of: ",交易,", with: ",收款,")
        #expect(Fixture.code { _ = try AlipayTradeBill.parse(gbk(type)) } == "bill_line_malformed")

        for bad in ["1.234", "abc"] {
            var amount = lines
            var cells = amount[headerAt + 1].components(separatedBy: ",")
            cells[11] = bad
            amount[headerAt + 1] = cells.joined(separator: ",")
            #expect(Fixture.code { _ = try AlipayTradeBill.parse(gbk(amount)) } == "bill_amount_invalid")
        }

        var totals = lines
        let t = totals.firstIndex { $0.hasPrefix("#交易合计") }!
        totals[t] = "#交易合计：1笔，商家实收共0.01元，商家优惠共0.00元"
        #expect(Fixture.code { _ = try AlipayTradeBill.parse(gbk(totals)) } == "bill_totals_mismatch")

        var bytes = gbk(lines)
        bytes.insert(contentsOf: [0x81, 0x20], at: 300)  // a lead byte without a valid trail
        #expect(Fixture.code { _ = try AlipayTradeBill.parse(bytes) } == "bill_encoding_invalid")
    }

    @Test func zipSummaryFileIsChecked() throws {
        let g = Fixture.smallAlipay
        let entries = try ZipArchive.entries(g.channelBill)
        let detailEntry = entries.first { !$0.name.contains("汇总") }!
        let summaryEntry = entries.first { $0.name.contains("汇总") }!
        let summary = TextEncoding.gb18030.decode(try ZipArchive.extract(summaryEntry, from: g.channelBill))!
        let altered = summary.replacingOccurrences(of: "合计,,", with: "合计,,9")
        let zip = ZipArchive.create([(detailEntry.nameBytes, false, try ZipArchive.extract(detailEntry, from: g.channelBill)),
                                     (summaryEntry.nameBytes, false, TextEncoding.gb18030.encode(altered))])
        #expect(Fixture.code { _ = try AlipayTradeBill.parse(zip) } == "bill_totals_mismatch")
        let onlySummary = ZipArchive.create([(summaryEntry.nameBytes, false, TextEncoding.gb18030.encode(summary))])
        #expect(Fixture.code { _ = try AlipayTradeBill.parse(onlySummary) } == "bill_archive_invalid")
    }
}

@Suite struct HISFileTests {
    let sample = """
    # 惠民 HIS settlement export
    his_serial,trade_no,refund_no,kind,amount_fen,settled_at,channel,merchant,business_type,business_ref,cashier
    H1,P20261124020304ABCDEFGH,,payment,2500,2026-11-24 10:02:05,wechat,1900000109,registration,REG-1,自助机01
    H1,P20261124020304ABCDEFGH,R20261124030000ABCDEFGH,refund,500,2026-11-24 11:00:00,wechat,1900000109,refund,REG-1,窗口3
    H2,P20261124020305ABCDEFGH,,payment,100,2026-11-24 12:00:00,alipay,,clinic_bill,CB-9,自助机02
    TOTAL,3,2600,500
    """

    @Test func parsesUTF8AndGBK() throws {
        let utf8 = try HISSettlementFile.parse(Array(sample.utf8))
        #expect(utf8.records.count == 3 && utf8.encoding == .utf8)
        #expect(utf8.totals.paymentFen == 2600 && utf8.totals.refundFen == 500)
        let r = utf8.records[1]
        #expect(r.kind == .refund && r.refundNo == "R20261124030000ABCDEFGH" && r.amountFen == 500 && r.sourceId == "H1")
        #expect(r.day == "2026-11-24" && r.time == 1_763_953_200 + 86_400 * 365)
        #expect(utf8.records[2].channel == .alipay && utf8.records[2].merchant == "")
        let gbk = try HISSettlementFile.parse(TextEncoding.gb18030.encode(sample))
        #expect(gbk.encoding == .gb18030 && gbk.records.records == utf8.records.records)
        let bom = try HISSettlementFile.parse([0xEF, 0xBB, 0xBF] + Array(sample.utf8))
        #expect(bom.records.records == utf8.records.records)
    }

    @Test func errors() {
        func code(_ text: String) -> String? { Fixture.code { _ = try HISSettlementFile.parse(Array(text.utf8)) } }
        #expect(code(sample.replacingOccurrences(of: "amount_fen", with: "amount")) == "bill_header_missing")
        #expect(code(sample.replacingOccurrences(of: ",2500,", with: ",25.00,")) == "bill_amount_invalid")
        #expect(code(sample.replacingOccurrences(of: ",2500,", with: ",abc,")) == "bill_amount_invalid")
        #expect(code(sample.replacingOccurrences(of: "TOTAL,3,2600,500", with: "TOTAL,3,2601,500")) == "bill_totals_mismatch")
        #expect(code(sample.replacingOccurrences(of: ",payment,2500", with: ",charge,2500")) == "bill_line_malformed")
        #expect(code(sample.replacingOccurrences(of: ",wechat,1900000109,registration", with: ",cash,1900000109,registration")) == "bill_line_malformed")
        #expect(code(sample.replacingOccurrences(of: "2026-11-24 10:02:05", with: "2026-11-31 10:02:05")) == "bill_line_malformed")
        #expect(code(sample.replacingOccurrences(of: ",REG-1,自助机01", with: ",REG-1")) == "bill_line_malformed")
    }
}
