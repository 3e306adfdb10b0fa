import Crypto
import Foundation
import HuiminCore
import Testing
@testable import WeChatPay

@Suite("WeChat Pay trade bill from the sandbox")
struct WeChatPayBillTests {
    /// The sandbox clock starts at 2026-09-21 22:13:20 Beijing time.
    static let day = "2026-09-21"

    func nextMorning(_ wx: WeChatPayHarness, minutes: Int = 10 * 60 + 5) {
        wx.clock.set(BusinessCalendar.instant(day: BusinessCalendar.adding(days: 1, to: Self.day)!, minutes: minutes)!)
    }

    @Test("the ALL bill lists the day's payments and refunds, GZIP and plain alike, and its SHA1 checks")
    func tradeBill() async throws {
        try await WeChatPayHarness.run { wx in
            #expect(BusinessCalendar.day(of: wx.clock.now()) == Self.day)
            var a = wx.order(fen: 2500)
            a.description = "挂号费,内科" // a comma in free text must not shift the columns
            _ = try await wx.client.prepay(a)
            try await wx.pay(a.outTradeNo)
            let b = wx.order(fen: 1)
            _ = try await wx.client.prepay(b)
            try await wx.pay(b.outTradeNo)
            let refund = try await wx.client.refund(WeChatPayRefundRequest(
                outTradeNo: a.outTradeNo, outRefundNo: WeChatPayHarness.tradeNo("R"), refundFen: 1000, totalFen: 2500,
                reason: nil))

            nextMorning(wx)
            let gzip = try await wx.client.tradeBill(day: Self.day)
            let plain = try await wx.client.tradeBill(day: Self.day, gzip: false)
            #expect(gzip == plain)

            let text = String(decoding: plain, as: UTF8.self)
            #expect(text.hasSuffix("\r\n"))
            let lines = text.components(separatedBy: "\r\n").dropLast()
            #expect(lines.count == 6) // header, 3 rows, summary header, summary
            let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(header.count == 27)
            #expect(header.first == "交易时间")
            #expect(header.last == "费率备注")
            let rows = lines[1...3].map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            for row in rows {
                #expect(row.count == 27)
                #expect(row.allSatisfy { $0.hasPrefix("`") })
            }
            let column = { (name: String, row: [String]) in String(row[header.firstIndex(of: name)!].dropFirst()) }
            let paymentA = try #require(rows.first { column("商户订单号", $0) == a.outTradeNo && column("交易状态", $0) == "SUCCESS" })
            #expect(column("应结订单金额", paymentA) == "25.00")
            #expect(column("订单金额", paymentA) == "25.00")
            #expect(column("手续费", paymentA) == "0.15000")
            #expect(column("费率", paymentA) == "0.60%")
            #expect(column("特约商户号", paymentA) == "0")
            #expect(column("商户号", paymentA) == "1900000001")
            #expect(column("交易时间", paymentA) == "2026-09-21 22:13:20")
            let paymentB = try #require(rows.first { column("商户订单号", $0) == b.outTradeNo })
            #expect(column("应结订单金额", paymentB) == "0.01")
            #expect(column("手续费", paymentB) == "0.00000")
            let refundRow = try #require(rows.first { column("交易状态", $0) == "REFUND" })
            #expect(column("商户退款单号", refundRow) == refund.outRefundNo)
            #expect(column("微信退款单号", refundRow) == refund.refundID)
            #expect(column("退款金额", refundRow) == "10.00")
            #expect(column("申请退款金额", refundRow) == "10.00")
            #expect(column("退款状态", refundRow) == "SUCCESS")
            #expect(column("手续费", refundRow) == "-0.06000")

            #expect(lines[4] == "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额")
            #expect(lines[5] == "`3,`25.01,`10.00,`0.00,`0.09000,`25.01,`10.00")
        }
    }

    @Test("the announced hash is the SHA1 of the uncompressed file, and the download is unsigned")
    func hashAndDownload() async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order()
            _ = try await wx.client.prepay(order)
            try await wx.pay(order.outTradeNo)
            nextMorning(wx)
            let reply = try await wx.client.send("GET", "/v3/bill/tradebill?bill_date=\(Self.day)&bill_type=ALL&tar_type=GZIP")
            let bill = try JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: String] ?? [:]
            #expect(bill["hash_type"] == "SHA1")
            let url = try #require(bill["download_url"])
            let file = try await wx.client.send("GET", WeChatPaySigning.pathAndQuery(of: url)!, url: url, signed: false)
            #expect(file.headers["wechatpay-signature"] == nil)
            #expect(Array(file.body.prefix(2)) == [0x1F, 0x8B]) // gzip magic
            let content = try #require(WeChatPayGzip.gunzip(file.body))
            let digest = Insecure.SHA1.hash(data: content).map { String(format: "%02x", $0) }.joined()
            #expect(digest == bill["hash_value"])
            #expect(WeChatPayGzip.gunzip(Array(file.body.dropLast(4))) == nil) // a truncated stream is refused
            // A file that does not match the announced hash is refused.
            try await wx.sandbox.post("/sandbox/wechatpay/faults", #"{"kind": "billhash"}"#)
            let mismatch = await appError { try await wx.client.tradeBill(day: Self.day) }
            #expect(mismatch?.code == "wechatpay_bill_hash_mismatch")
            #expect(mismatch?.status == 502)
            _ = try await wx.client.tradeBill(day: Self.day)
            // The download needs a signed request too.
            let unsigned = try await wx.sandbox.transport.send(.init(method: "GET", url: url))
            #expect(unsigned.status == 401)
        }
    }

    @Test("before 10:00 the next day the bill is still being made; a day without trades has none")
    func notReady() async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order()
            _ = try await wx.client.prepay(order)
            try await wx.pay(order.outTradeNo)
            let today = await appError { try await wx.client.tradeBill(day: Self.day) }
            #expect(today?.code == "wechatpay_statement_creating")
            nextMorning(wx, minutes: 9 * 60 + 30)
            let early = await appError { try await wx.client.tradeBill(day: Self.day) }
            #expect(early?.code == "wechatpay_statement_creating")
            #expect(early?.status == 503)
            nextMorning(wx)
            _ = try await wx.client.tradeBill(day: Self.day)
            let empty = await appError { try await wx.client.tradeBill(day: "2026-09-20") }
            #expect(empty?.code == "wechatpay_no_statement")
            let invalid = await appError { try await wx.client.tradeBill(day: "2026-9-20") }
            #expect(invalid?.code == "wechatpay_bill_date_invalid")
        }
    }
}
