import Foundation
import HuiminCore
import Testing
@testable import WeChatPay

@Suite("WeChat Pay refunds against the sandbox")
struct WeChatPayRefundTests {
    func paidOrder(_ wx: WeChatPayHarness, fen: Int64 = 2500) async throws -> WeChatPayOrder {
        let order = wx.order(fen: fen)
        _ = try await wx.client.prepay(order)
        try await wx.pay(order.outTradeNo)
        return order
    }

    func refundRequest(_ order: WeChatPayOrder, _ number: String = WeChatPayHarness.tradeNo("R"), fen: Int64)
        -> WeChatPayRefundRequest {
        WeChatPayRefundRequest(outTradeNo: order.outTradeNo, outRefundNo: number, refundFen: fen, totalFen: order.amountFen,
                               reason: "就诊取消")
    }

    @Test("two partial refunds succeed; a third beyond the total is NOT_ENOUGH (409); each success is notified")
    func partialRefunds() async throws {
        try await WeChatPayHarness.run { wx in
            let order = try await paidOrder(wx)
            let first = try await wx.client.refund(refundRequest(order, fen: 1000))
            #expect(first.status == "SUCCESS")
            #expect(first.refundFen == 1000)
            #expect(first.totalFen == 2500)
            #expect(first.outTradeNo == order.outTradeNo)
            #expect(first.refundID?.hasPrefix("50") == true)
            #expect(first.successTime == Date(timeIntervalSince1970: wx.clock.now().timeIntervalSince1970.rounded(.down)))
            let second = try await wx.client.refund(refundRequest(order, fen: 1000))
            #expect(second.status == "SUCCESS")
            #expect(second.refundID != first.refundID)
            let over = await appError { try await wx.client.refund(refundRequest(order, fen: 501)) }
            #expect(over?.code == "wechatpay_not_enough")
            #expect(over?.status == 409)
            // Exactly what is left is fine.
            #expect(try await wx.client.refund(refundRequest(order, fen: 500)).status == "SUCCESS")

            #expect(try await wx.client.query(outTradeNo: order.outTradeNo).tradeState == "REFUND")
            #expect(try await wx.client.queryRefund(outRefundNo: first.outRefundNo) == first)

            // One payment notification and three refund notifications, the latter on the refund URL.
            let received = try await wx.waitForNotifications(4)
            let refunds = received.filter { $0.path == "/notify/wechatpay-refund" }.compactMap { item -> WeChatPayRefund? in
                if case .success(.refund(_, let refund)) = item.result { return refund }
                return nil
            }
            #expect(refunds.count == 3)
            #expect(refunds.contains { $0.outRefundNo == first.outRefundNo && $0.status == "SUCCESS" && $0.refundFen == 1000 })
        }
    }

    @Test("the same out_refund_no twice is one refund")
    func idempotentRefund() async throws {
        try await WeChatPayHarness.run { wx in
            let order = try await paidOrder(wx)
            let request = refundRequest(order, fen: 700)
            let first = try await wx.client.refund(request)
            let again = try await wx.client.refund(request)
            #expect(again == first)
            let view = try await wx.fakeOrder(order.outTradeNo)
            #expect((view["refunds"] as? [[String: Any]])?.count == 1)
            // The whole remainder can still be refunded: the repeat did not count twice.
            #expect(try await wx.client.refund(refundRequest(order, fen: 1800)).status == "SUCCESS")
        }
    }

    @Test("refund errors: unknown refund, unpaid order, wrong total")
    func refundErrors() async throws {
        try await WeChatPayHarness.run { wx in
            let unknown = await appError { try await wx.client.queryRefund(outRefundNo: "R20260101000000NOSUCH01") }
            #expect(unknown?.code == "wechatpay_resource_not_exists")
            #expect(unknown?.status == 404)

            let unpaid = wx.order()
            _ = try await wx.client.prepay(unpaid)
            let notPaid = await appError { try await wx.client.refund(refundRequest(unpaid, fen: 100)) }
            #expect(notPaid?.code == "wechatpay_invalid_request")
            #expect(notPaid?.status == 400)

            let order = try await paidOrder(wx)
            var wrongTotal = refundRequest(order, fen: 100)
            wrongTotal.totalFen = 9999
            #expect(await appError { try await wx.client.refund(wrongTotal) }?.code == "wechatpay_invalid_request")

            let noOrder = WeChatPayRefundRequest(outTradeNo: "P20260101000000NOSUCH01", outRefundNo: "R1", refundFen: 1,
                                                 totalFen: 1, reason: nil)
            #expect(await appError { try await wx.client.refund(noOrder) }?.code == "wechatpay_resource_not_exists")
        }
    }

    @Test("a held refund stays PROCESSING until finished; then REFUND.SUCCESS is notified")
    func processingRefund() async throws {
        try await WeChatPayHarness.run { wx in
            let order = try await paidOrder(wx)
            try await wx.sandbox.post("/sandbox/wechatpay/refunds/hold", #"{"times": 1}"#)
            let refund = try await wx.client.refund(refundRequest(order, fen: 2500))
            #expect(refund.status == "PROCESSING")
            #expect(refund.successTime == nil)
            #expect(try await wx.client.queryRefund(outRefundNo: refund.outRefundNo).status == "PROCESSING")
            _ = try await wx.waitForNotifications(1)
            #expect(wx.inbox.all.count == 1) // only the payment's

            wx.clock.advance(by: 120)
            let finished = try await wx.sandbox.post("/sandbox/wechatpay/refunds/\(refund.outRefundNo)/finish",
                                                     #"{"status": "SUCCESS"}"#)
            #expect(finished["status"] as? Int == 204)
            let queried = try await wx.client.queryRefund(outRefundNo: refund.outRefundNo)
            #expect(queried.status == "SUCCESS")
            #expect(queried.successTime == Date(timeIntervalSince1970: wx.clock.now().timeIntervalSince1970.rounded(.down)))
            let last = try #require(try await wx.waitForNotifications(2).last)
            guard case .success(.refund(_, let notified)) = last.result else {
                Issue.record("expected a refund notification, got \(last.result)")
                return
            }
            #expect(notified == queried)
        }
    }
}
