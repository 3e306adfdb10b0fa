import Foundation
import HuiminCore
import Reconciliation
import Testing
@testable import UnionPay

@Suite("UnionPay bill (fileTransfer.do) from the sandbox")
struct UnionPayBillTests {
    @Test("each clearing date's zip parses with UnionPayBill; a payment after 23:00 is in the next date's file")
    func clearingDates() async throws {
        try await UnionPayHarness.run { up in
            // 2026-09-21 22:13:20 Beijing.
            let (_, early) = try await up.paid(fen: 2500)
            up.clock.advance(by: 55 * 60)  // 23:08:20: after the cut-off
            let (_, late) = try await up.paid(fen: 1800)
            #expect(late.settleDate == "0922")
            #expect(early.settleDate == "0921")
            up.clock.advance(by: 60)
            let refund = try await up.client.refund(UnionPayRefundRequest(
                orderID: UnionPayHarness.orderID("R"), txnTime: up.clock.now(), origQueryID: early.queryID ?? "",
                origOrderID: early.orderID, amountFen: 1000))

            // Neither date is cleared yet.
            let early0922 = await appError { try await up.client.downloadBill(settleDate: "0922") }
            #expect(early0922?.code == "unionpay_98")
            #expect(early0922?.status == 404)
            #expect(await appError { try await up.client.downloadBill(settleDate: "921") }?.code == "unionpay_settle_date_invalid")

            up.clock.advance(by: 12 * 3600)  // 2026-09-22 11:09
            let first = try UnionPayBill.parse(try await up.client.downloadBill(settleDate: "0921"))
            #expect(first.clearingDay == "2026-09-21")
            #expect(first.merchant == UnionPayConfiguration.Sandbox.merchantID)
            #expect(first.records.count == 1)
            let payment = first.records[0]
            #expect(payment.kind == .payment)
            #expect(payment.tradeNo == early.orderID)
            #expect(payment.sourceId == early.queryID)
            #expect(payment.amountFen == 2500)
            #expect(payment.feeFen == 15)
            #expect(payment.channel == .unionpay)
            #expect(payment.day == "2026-09-21")
            #expect(first.totals.paymentFen == 2500)
            #expect(await appError { try await up.client.downloadBill(settleDate: "0922") }?.code == "unionpay_98")

            up.clock.advance(by: 12 * 3600)  // 2026-09-22 23:09: 09-22 is cleared
            let second = try UnionPayBill.parse(try await up.client.downloadBill(settleDate: "0922"))
            #expect(second.clearingDay == "2026-09-22")
            #expect(second.records.count == 2)
            let lines = second.records.records
            let latePayment = try #require(lines.first { $0.kind == .payment })
            #expect(latePayment.tradeNo == late.orderID)
            #expect(latePayment.amountFen == 1800)
            // Its own calendar day (跨日): paid 2026-09-21 23:08:20, cleared 09-22.
            #expect(latePayment.day == "2026-09-21")
            #expect(latePayment.date == BusinessCalendar.instant(day: "2026-09-21", minutes: 23 * 60 + 8)!.addingTimeInterval(20))
            let refundLine = try #require(lines.first { $0.kind == .refund })
            #expect(refundLine.tradeNo == early.orderID)
            #expect(refundLine.refundNo == refund.orderID)
            #expect(refundLine.amountFen == 1000)
            #expect(refundLine.feeFen == -6)
            #expect(refundLine.sourceId == refund.queryID)
            #expect(second.totals.paymentCount == 1)
            #expect(second.totals.refundCount == 1)
        }
    }
}
