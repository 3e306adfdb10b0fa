@testable import Alipay
import Foundation
import HuiminCore
import Testing

@Suite("Alipay refunds against the sandbox")
struct AlipayPayRefundTests {
    /// Creates and pays a trade of `fen`, waiting for its payment notification.
    func paidTrade(_ ali: AlipayPayHarness, fen: Int64 = 2500) async throws -> AlipayOrder {
        let order = ali.order(fen: fen)
        _ = try await ali.client.create(order)
        let before = ali.inbox.all.count
        try await ali.pay(order.outTradeNo)
        _ = try await ali.waitForNotifications(before + 1)
        return order
    }

    @Test("two partial refunds, then an over-refund is refused; each refund notifies TRADE_SUCCESS with its fields")
    func partialRefunds() async throws {
        try await AlipayPayHarness.run { ali in
            let order = try await paidTrade(ali)
            ali.clock.advance(by: 60)
            let first = try await ali.client.refund(.init(outTradeNo: order.outTradeNo, outRequestNo: "R1_" + order.outTradeNo,
                                                          refundFen: 1000, reason: "患者取消"))
            #expect(first.fundChange == true)
            #expect(first.refundFen == 1000)
            #expect(first.refundedTotalFen == 1000)
            #expect(first.refundedAt == Date(timeIntervalSince1970: ali.clock.now().timeIntervalSince1970.rounded(.down)))
            _ = try await ali.waitForNotifications(2)
            ali.clock.advance(by: 5)
            let second = try await ali.client.refund(.init(outTradeNo: order.outTradeNo, outRequestNo: "R2_" + order.outTradeNo,
                                                           refundFen: 1000))
            #expect(second.fundChange == true)
            #expect(second.refundedTotalFen == 2000)
            let over = await appError {
                try await ali.client.refund(.init(outTradeNo: order.outTradeNo, outRequestNo: "R3_" + order.outTradeNo,
                                                  refundFen: 501))
            }
            #expect(over?.code == "alipay_acq_refund_amt_not_equal_total")
            #expect(over?.status == 409)

            let received = try await ali.waitForNotifications(3)
            let refunds = ali.inbox.accepted.filter(\.isRefund)
            #expect(received.count == 3)
            #expect(refunds.count == 2)
            let byRequest = Dictionary(refunds.map { ($0.outBizNo ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            let n1 = try #require(byRequest["R1_" + order.outTradeNo])
            #expect(n1.tradeStatus == "TRADE_SUCCESS")
            #expect(n1.refundFeeFen == 1000)
            #expect(n1.totalFen == 2500)
            #expect(n1.refundedAt == first.refundedAt)
            #expect(n1.paidAt != nil)
            #expect(byRequest["R2_" + order.outTradeNo]?.refundFeeFen == 2000)
            #expect(byRequest["R2_" + order.outTradeNo]?.tradeStatus == "TRADE_SUCCESS")

            // The rest (5.00) refunds in full: the trade closes and the notify says TRADE_CLOSED.
            let last = try await ali.client.refund(.init(outTradeNo: order.outTradeNo, outRequestNo: "R4_" + order.outTradeNo,
                                                         refundFen: 500))
            #expect(last.refundedTotalFen == 2500)
            _ = try await ali.waitForNotifications(4)
            let closing = try #require(ali.inbox.accepted.first { $0.outBizNo == "R4_" + order.outTradeNo })
            #expect(closing.tradeStatus == "TRADE_CLOSED")
            #expect(closing.refundFeeFen == 2500)
            #expect(closing.closedAt != nil)
            #expect(try await ali.client.query(outTradeNo: order.outTradeNo).tradeStatus == "TRADE_CLOSED")
            let closed = await appError {
                try await ali.client.refund(.init(outTradeNo: order.outTradeNo, outRequestNo: "R5_" + order.outTradeNo,
                                                  refundFen: 1))
            }
            #expect(closed?.code == "alipay_acq_trade_has_close")
        }
    }

    @Test("the same out_request_no is one refund: fund_change N the second time, and one notification")
    func idempotentRefund() async throws {
        try await AlipayPayHarness.run { ali in
            let order = try await paidTrade(ali)
            let request = AlipayRefundRequest(outTradeNo: order.outTradeNo, outRequestNo: "RA_" + order.outTradeNo,
                                              refundFen: 700)
            let first = try await ali.client.refund(request)
            let again = try await ali.client.refund(request)
            #expect(first.fundChange == true)
            #expect(again.fundChange == false)
            #expect(again.refundedTotalFen == 700)
            #expect(again.refundedAt == first.refundedAt)
            // A different amount under the same number is refused, not a second refund.
            var changed = request
            changed.refundFen = 800
            #expect(await appError { try await ali.client.refund(changed) }?.code == "alipay_acq_discordant_repeat_request")
            _ = try await ali.waitForNotifications(2)
            try await Task.sleep(for: .milliseconds(100))
            #expect(ali.inbox.accepted.filter(\.isRefund).count == 1)
            let view = try await ali.fakeOrder(order.outTradeNo)
            #expect(view["refundedFen"] as? Int == 700)
            #expect((view["refunds"] as? [Any])?.count == 1)
        }
    }

    @Test("refund query: REFUND_SUCCESS with the amount; an unknown request number is alipay_refund_not_found")
    func refundQuery() async throws {
        try await AlipayPayHarness.run { ali in
            let order = try await paidTrade(ali)
            let refund = try await ali.client.refund(.init(outTradeNo: order.outTradeNo,
                                                           outRequestNo: "RQ_" + order.outTradeNo, refundFen: 1250))
            let queried = try await ali.client.queryRefund(outTradeNo: order.outTradeNo, outRequestNo: "RQ_" + order.outTradeNo)
            #expect(queried.status == "REFUND_SUCCESS")
            #expect(queried.refundFen == 1250)
            #expect(queried.outRequestNo == "RQ_" + order.outTradeNo)
            #expect(queried.tradeNo == refund.tradeNo)
            #expect(queried.refundedAt == refund.refundedAt)
            let missing = await appError {
                try await ali.client.queryRefund(outTradeNo: order.outTradeNo, outRequestNo: "NO_SUCH_REFUND")
            }
            #expect(missing?.code == "alipay_refund_not_found")
            #expect(missing?.status == 404)
        }
    }

    @Test("an unpaid trade cannot be refunded")
    func unpaid() async throws {
        try await AlipayPayHarness.run { ali in
            let order = ali.order()
            _ = try await ali.client.create(order)
            let error = await appError {
                try await ali.client.refund(.init(outTradeNo: order.outTradeNo, outRequestNo: "R1", refundFen: 100))
            }
            #expect(error?.code == "alipay_acq_trade_status_error")
            #expect(error?.status == 409)
        }
    }
}
