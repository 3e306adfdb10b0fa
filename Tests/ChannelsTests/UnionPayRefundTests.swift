import Foundation
import HuiminCore
import Testing
import Transport
@testable import UnionPay

@Suite("UnionPay refunds (退货) against the sandbox")
struct UnionPayRefundTests {
    func request(_ up: UnionPayHarness, _ payment: UnionPayTransaction, fen: Int64,
                 orderID: String = UnionPayHarness.orderID("R")) -> UnionPayRefundRequest {
        UnionPayRefundRequest(orderID: orderID, txnTime: up.clock.now(), origQueryID: payment.queryID ?? "",
                              origOrderID: payment.orderID, amountFen: fen)
    }

    @Test("two partial refunds are accepted and notified, an over-refund is unionpay_36, each refund queries as refunded")
    func partialRefunds() async throws {
        try await UnionPayHarness.run { up in
            let (_, payment) = try await up.paid(fen: 2500)
            up.clock.advance(by: 60)
            let first = try await up.client.refund(request(up, payment, fen: 1000))
            #expect(first.state == .paying)
            #expect(first.queryID?.count == 21)
            #expect(first.origQueryID == payment.queryID)
            up.clock.advance(by: 5)
            let second = try await up.client.refund(request(up, payment, fen: 1000))
            let over = await appError { try await up.client.refund(request(up, payment, fen: 501)) }
            #expect(over?.code == "unionpay_36")
            #expect(over?.status == 409)

            _ = try await up.waitForNotifications(3)
            let refunds = up.inbox.accepted.filter(\.isRefund)
            #expect(refunds.count == 2)
            let byOrder = Dictionary(refunds.map { ($0.orderID, $0) }, uniquingKeysWith: { a, _ in a })
            let n1 = try #require(byOrder[first.orderID])
            #expect(n1.amountFen == 1000)
            #expect(n1.origQueryID == payment.queryID)
            #expect(n1.reserved == payment.orderID)
            #expect(n1.queryID == first.queryID)
            #expect(n1.succeeded)
            #expect(byOrder[second.orderID]?.amountFen == 1000)

            let done = try await up.client.queryRefund(orderID: first.orderID, txnTime: first.txnTime)
            #expect(done.state == .paid)
            #expect(done.isRefunded)
            #expect(done.amountFen == 1000)
            #expect(done.origQueryID == payment.queryID)
            let fake = try await up.fakeOrder(payment.orderID)
            #expect(fake["refundedFen"] as? Int == 2000)
            #expect((fake["refunds"] as? [String])?.count == 2)

            // What is left (5.00) still refunds.
            let last = try await up.client.refund(request(up, payment, fen: 500))
            #expect(last.amountFen == 500)
        }
    }

    @Test("the same refund orderId is one refund: a retry answers the first, another amount under it is unionpay_12")
    func idempotentRefund() async throws {
        try await UnionPayHarness.run { up in
            let (_, payment) = try await up.paid(fen: 2500)
            let ask = request(up, payment, fen: 800)
            let first = try await up.client.refund(ask)
            let again = try await up.client.refund(ask)
            #expect(again.orderID == first.orderID)
            #expect(again.queryID == first.queryID)
            #expect(again.amountFen == 800)
            var changed = ask
            changed.amountFen = 900
            #expect(await appError { try await up.client.refund(changed) }?.code == "unionpay_12")
            let fake = try await up.fakeOrder(payment.orderID)
            #expect(fake["refundedFen"] as? Int == 800)
            #expect((fake["refunds"] as? [String]) == [ask.orderID])
            _ = try await up.waitForNotifications(2)
            try await Task.sleep(for: .milliseconds(100))
            #expect(up.inbox.accepted.filter(\.isRefund).count == 1)
        }
    }

    @Test("a refund of an unknown or unpaid payment is unionpay_35")
    func refundWithoutPayment() async throws {
        try await UnionPayHarness.run { up in
            let created = try await up.client.consume(up.order())
            let unpaid = try await up.client.query(orderID: created.orderID, txnTime: created.txnTime)
            var ask = request(up, unpaid, fen: 100)
            ask.origQueryID = "202609212213200000000"
            let error = await appError { try await up.client.refund(ask) }
            #expect(error?.code == "unionpay_35")
            #expect(error?.status == 409)
        }
    }
}

@Suite("UnionPay notifications")
struct UnionPayNotificationTests {
    @Test("an altered notification is refused (401) and the pay answer carries the genuine one, which verifies")
    func altered() async throws {
        try await UnionPayHarness.run { up in
            let created = try await up.client.consume(up.order())
            try await up.notifications(mode: "alter")
            let answer = try await up.pay(created.orderID)
            #expect(answer["status"] as? Int == 401)
            let received = try await up.waitForNotifications(1)
            if case .failure(let error) = received.first?.result {
                #expect(error.code == "notification_signature_invalid")
            } else {
                Issue.record("the altered notification was accepted")
            }
            // Delivering the body by hand (router tests without sockets): it is the altered one here.
            let body = try #require((answer["notification"] as? [String: Any])?["body"] as? String)
            #expect(throws: AppError.self) { try up.client.notification(body: Array(body.utf8)) }
        }
    }

    @Test("a duplicated notification arrives twice, identical; the pay answer's body verifies by hand")
    func duplicate() async throws {
        try await UnionPayHarness.run { up in
            let created = try await up.client.consume(up.order())
            try await up.notifications(mode: "duplicate")
            let answer = try await up.pay(created.orderID)
            #expect(answer["statuses"] as? [Int] == [200, 200])
            let received = try await up.waitForNotifications(2)
            #expect(received.count == 2)
            #expect(received[0].body == received[1].body)
            #expect(up.inbox.accepted.count == 2)
            let body = try #require((answer["notification"] as? [String: Any])?["body"] as? String)
            #expect(try up.client.notification(body: Array(body.utf8)).orderID == created.orderID)
        }
    }

    @Test("a dropped notification is not sent; the query still reads paid")
    func dropped() async throws {
        try await UnionPayHarness.run { up in
            let created = try await up.client.consume(up.order())
            try await up.notifications(mode: "drop")
            _ = try await up.pay(created.orderID)
            try await Task.sleep(for: .milliseconds(100))
            #expect(up.inbox.all.isEmpty)
            #expect(try await up.client.query(orderID: created.orderID, txnTime: created.txnTime).state == .paid)
        }
    }

    @Test("forged notifications: unsigned, signed with another key, another merchant, malformed")
    func forged() throws {
        let keys = SandboxHarness.keys.unionPay
        let configuration = UnionPayConfiguration(
            baseURL: "http://127.0.0.1:1", merchantID: UnionPayConfiguration.Sandbox.merchantID,
            certID: UnionPayConfiguration.Sandbox.certID, merchantPrivateKey: keys.merchantPrivateKey,
            unionPayPublicKey: keys.platformPublicKey, backURL: "http://127.0.0.1:1/notify")
        let client = UnionPayClient(configuration: configuration, transport: SandboxHarness.control)
        let fields: [(String, String)] = [
            ("version", "5.1.0"), ("encoding", "UTF-8"), ("signMethod", "01"), ("merId", configuration.merchantID),
            ("txnType", "01"), ("orderId", "P2026092100000001"), ("txnTime", "20260921221320"), ("txnAmt", "2500"),
            ("queryId", "202609212213201234567"), ("respCode", "00"), ("respMsg", "成功[0000000]"), ("settleDate", "0921"),
        ]
        func body(_ fields: [(String, String)], key: RSA2PrivateKey?) throws -> [UInt8] {
            var all = fields
            if let key { all.append(("signature", try UnionPaySignature.sign(fields, with: key))) }
            return Array(PercentEncoding.query(all).utf8)
        }
        let genuine = try client.notification(body: body(fields, key: keys.platformPrivateKey))
        #expect(genuine.amountFen == 2500)
        #expect(genuine.settleDate == "0921")
        #expect(genuine.respMsg == "成功[0000000]")
        let invalid = { (bytes: [UInt8]) -> String? in
            do { _ = try client.notification(body: bytes); return nil } catch { return (error as? AppError)?.code }
        }
        #expect(invalid(try body(fields, key: nil)) == "notification_signature_invalid")
        #expect(invalid(try body(fields, key: keys.merchantPrivateKey)) == "notification_signature_invalid")
        let other = fields.map { $0.0 == "merId" ? ($0.0, "777290058110098") : $0 }
        #expect(invalid(try body(other, key: keys.platformPrivateKey)) == "notification_signature_invalid")
        let noAmount = fields.filter { $0.0 != "txnAmt" }
        #expect(invalid(try body(noAmount, key: keys.platformPrivateKey)) == "notification_malformed")
        let refundWithoutOrigin = fields.map { $0.0 == "txnType" ? ($0.0, "04") : $0 }
        #expect(invalid(try body(refundWithoutOrigin, key: keys.platformPrivateKey)) == "notification_malformed")
        #expect(invalid(Array("%zz=1".utf8)) == "notification_malformed")
        #expect(invalid([0xFF, 0xFE]) == "notification_malformed")
    }
}
