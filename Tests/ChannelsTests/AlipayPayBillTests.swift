@testable import Alipay
import Foundation
import HuiminCore
import Testing
import Transport

@Suite("Alipay trade bill from the sandbox")
struct AlipayPayBillTests {
    /// The sandbox clock starts at 2026-09-21 22:13:20 Beijing time.
    static let day = "2026-09-21"

    /// Python's zipfile and codecs as an independent reader: entry names (GBK bytes without the
    /// UTF-8 flag, which zipfile decodes as cp437) and each entry decoded strictly as GBK.
    static func unzip(_ zip: [UInt8]) async throws -> [String: String] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("alipay-bill-\(UUID().uuidString).zip")
        try Data(zip).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let script = """
        import json, sys, zipfile
        z = zipfile.ZipFile(sys.argv[1])
        assert z.testzip() is None
        out = {}
        for info in z.infolist():
            assert info.flag_bits & 0x800 == 0
            out[info.filename.encode("cp437").decode("gbk")] = z.read(info).decode("gbk")
        print(json.dumps(out))
        """
        let (status, text) = await PythonScript.run(["-c", script, path.path])
        #expect(status == 0, "\(text)")
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] ?? [:]
    }

    @Test("the day's zip holds the GBK 业务明细 and 汇总 files with the payments and refunds, in Alipay's layout")
    func tradeBill() async throws {
        try await AlipayPayHarness.run { ali in
            #expect(BusinessCalendar.day(of: ali.clock.now()) == Self.day)
            var a = ali.order(fen: 2500)
            a.subject = "挂号费,内科" // a comma in free text must not shift the columns
            let createdA = try await ali.client.create(a)
            try await ali.pay(a.outTradeNo)
            let b = ali.order(fen: 1)
            _ = try await ali.client.create(b)
            try await ali.pay(b.outTradeNo)
            let unpaid = ali.order(fen: 300)
            _ = try await ali.client.create(unpaid)
            _ = try await ali.client.refund(.init(outTradeNo: a.outTradeNo, outRequestNo: "RB_" + a.outTradeNo,
                                                  refundFen: 1000))

            // Today's bill does not exist yet (T+1).
            let today = await appError { try await ali.client.billDownloadURL(day: Self.day) }
            #expect(today?.code == "alipay_isp_bill_not_exist")
            #expect(today?.status == 404)

            ali.clock.set(BusinessCalendar.instant(day: BusinessCalendar.adding(days: 1, to: Self.day)!, minutes: 10 * 60)!)
            let zip = try await ali.client.downloadBill(day: Self.day)
            let files = try await Self.unzip(zip)
            let pid = AlipayPayConfiguration.Sandbox.sellerID + "0156"
            #expect(Set(files.keys) == ["\(pid)_20260921_业务明细.csv", "\(pid)_20260921_业务明细(汇总).csv"])
            let detail = try #require(files["\(pid)_20260921_业务明细.csv"])
            let lines = detail.components(separatedBy: "\r\n").dropLast()
            #expect(lines.first == "#支付宝业务明细查询")
            #expect(lines.contains("#账号：[\(pid)]"))
            #expect(lines.contains("#起始日期：[2026年09月21日 00:00:00]   终止日期：[2026年09月22日 00:00:00]"))
            let headerIndex = try #require(lines.firstIndex { $0.hasPrefix("支付宝交易号,") })
            let header = lines[headerIndex].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(header.count == 25)
            #expect(header.last == "备注")
            #expect(header.contains("订单金额（元）"))
            let rows = lines.filter { !$0.hasPrefix("#") && $0 != lines[headerIndex] }
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            #expect(rows.count == 3) // two payments and one refund; the unpaid trade is not billed
            let column = { (name: String, row: [String]) in row[header.firstIndex(of: name)!] }
            for row in rows {
                #expect(row.count == 25)
                #expect(column("支付宝交易号", row).hasSuffix("\t"))
                #expect(column("商户订单号", row).hasSuffix("\t"))
            }
            let payA = try #require(rows.first { column("商户订单号", $0) == a.outTradeNo + "\t" && column("业务类型", $0) == "交易" })
            #expect(column("支付宝交易号", payA) == createdA.tradeNo + "\t")
            #expect(column("商品名称", payA) == "挂号费，内科")
            #expect(column("订单金额（元）", payA) == "25.00")
            #expect(column("商家实收（元）", payA) == "25.00")
            #expect(column("服务费（元）", payA) == "-0.15")
            #expect(column("完成时间", payA) == "2026-09-21 22:13:20")
            let payB = try #require(rows.first { column("商户订单号", $0) == b.outTradeNo + "\t" })
            #expect(column("订单金额（元）", payB) == "0.01")
            #expect(column("服务费（元）", payB) == "0.00")
            let refund = try #require(rows.first { column("业务类型", $0) == "退款" })
            #expect(column("商户订单号", refund) == a.outTradeNo + "\t")
            #expect(column("订单金额（元）", refund) == "-10.00")
            #expect(column("商家实收（元）", refund) == "-10.00")
            #expect(column("退款批次号/请求号", refund) == "RB_" + a.outTradeNo + "\t")
            #expect(column("服务费（元）", refund) == "0.06")
            #expect(lines.contains("#交易合计：2笔，商家实收共25.01元，商家优惠共0.00元"))
            #expect(lines.contains("#退款合计：1笔，商家实收共-10.00元，商家优惠共0.00元"))
            #expect(lines.last?.hasPrefix("#导出时间：[2026-09-22 10:00:00]") == true)

            let summary = try #require(files["\(pid)_20260921_业务明细(汇总).csv"])
            let total = try #require(summary.components(separatedBy: "\r\n").first { $0.hasPrefix("合计") })
            // 交易 2, 退款 1, 订单金额 15.01, 商家实收 15.01, …, 服务费 -0.15+0.06 = -0.09, 实收净额 14.92.
            #expect(total == "合计,,2,1,15.01,15.01,0.00,0.00,0.00,-0.09,0.00,14.92")
        }
    }

    @Test("the download URL works for 30 seconds only; a day without trades has an empty bill")
    func urlLifetimeAndEmptyDay() async throws {
        try await AlipayPayHarness.run { ali in
            ali.clock.set(BusinessCalendar.instant(day: BusinessCalendar.adding(days: 1, to: Self.day)!, minutes: 10 * 60)!)
            let url = try await ali.client.billDownloadURL(day: "2026-09-20")
            #expect(url.contains("downloadFileName=\(AlipayPayConfiguration.Sandbox.sellerID)0156_20260920.csv.zip"))
            let fresh = try await ali.sandbox.transport.send(OutboundRequest(method: "GET", url: url))
            #expect(fresh.status == 200)
            let files = try await Self.unzip(fresh.body)
            let detail = files.first { !$0.key.contains("汇总") }?.value ?? ""
            #expect(detail.contains("#交易合计：0笔，商家实收共0.00元"))
            ali.clock.advance(by: 31)
            let stale = try await ali.sandbox.transport.send(OutboundRequest(method: "GET", url: url))
            #expect(stale.status == 404)
            #expect(await appError { try await ali.client.billDownloadURL(day: "2026-9-1") }?.code == "alipay_bill_date_invalid")
        }
    }
}
