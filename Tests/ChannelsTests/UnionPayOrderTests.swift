import Foundation
import HuiminCore
import Sandbox
import Testing
import Transport
@testable import UnionPay

@Suite("UnionPay consumes and queries against the sandbox")
struct UnionPayOrderTests {
    @Test("consume answers a tn; the query reads paying, then paid after the payer pays and the notification verifies")
    func consumeQueryPay() async throws {
        try await UnionPayHarness.run { up in
            let order = up.order(fen: 2500)
            let created = try await up.client.consume(order)
            #expect(created.tn.count == 21)
            #expect(created.txnTime == UnionPayTime.string(up.clock.now()))
            #expect(created.txnTime.count == 14)
            let before = try await up.client.query(orderID: order.orderID, txnTime: created.txnTime)
            #expect(before.state == .paying)
            #expect(before.origRespCode == "05")
            #expect(before.queryID == nil)

            up.clock.advance(by: 30)
            let paid = try await up.pay(order.orderID)
            #expect(paid["status"] as? Int == 200)
            let received = try await up.waitForNotifications(1)
            #expect(received.count == 1)
            let notification = try #require(up.inbox.accepted.first)
            #expect(notification.txnType == "01")
            #expect(notification.orderID == order.orderID)
            #expect(notification.amountFen == 2500)
            #expect(notification.succeeded)
            #expect(!notification.isRefund)
            #expect(notification.reserved == "bkg_test")
            // 2026-09-21 22:13:50 Beijing: before the 23:00 cut-off, so cleared on 09-21.
            #expect(notification.settleDate == "0921")
            #expect(notification.traceTime == "0921221350")

            let after = try await up.client.query(orderID: order.orderID, txnTime: created.txnTime)
            #expect(after.state == .paid)
            #expect(after.isPaid)
            #expect(after.txnType == "01")
            #expect(after.queryID == notification.queryID)
            #expect(after.queryID?.count == 21)
            #expect(after.amountFen == 2500)
            #expect(after.settleDate == "0921")
            #expect(after.traceNo == notification.traceNo)
            #expect(after.reserved == "bkg_test")
            let fake = try await up.fakeOrder(order.orderID)
            #expect(fake["status"] as? String == "paid")
            #expect(fake["clearingDay"] as? String == "2026-09-21")
        }
    }

    @Test("a used orderId is unionpay_12, an unknown one unionpay_34, a stale txnTime unionpay_10, bad input is refused before sending")
    func refusals() async throws {
        try await UnionPayHarness.run { up in
            let order = up.order()
            _ = try await up.client.consume(order)
            let duplicate = await appError { try await up.client.consume(order) }
            #expect(duplicate?.code == "unionpay_12")
            #expect(duplicate?.status == 409)

            let unknown = await appError { try await up.client.query(orderID: "P00000000000000000000001", txnTime: "20260921221320") }
            #expect(unknown?.code == "unionpay_34")
            #expect(unknown?.status == 404)
            // The right orderId with another txnTime is another transaction.
            let otherTime = await appError { try await up.client.query(orderID: order.orderID, txnTime: "20260920221320") }
            #expect(otherTime?.code == "unionpay_34")

            var stale = up.order()
            stale.txnTime = up.clock.now().addingTimeInterval(-2 * 86_400)
            let staleError = await appError { try await up.client.consume(stale) }
            #expect(staleError?.code == "unionpay_10")
            #expect(staleError?.status == 400)

            #expect(await appError { try await up.client.consume(up.order("P-1")) }?.code == "unionpay_order_id_invalid")
            #expect(await appError { try await up.client.consume(up.order(fen: 0)) }?.code == "unionpay_amount_invalid")
        }
    }

    @Test("an unpaid consume ends at its payTimeout: the query reads failed and the payer can no longer pay")
    func payTimeout() async throws {
        try await UnionPayHarness.run { up in
            let created = try await up.client.consume(up.order())
            up.clock.advance(by: 901)
            let expired = try await up.client.query(orderID: created.orderID, txnTime: created.txnTime)
            #expect(expired.state == .failed)
            #expect(expired.origRespCode == "01")
            let late = try await up.pay(created.orderID)
            #expect((late["error"] as? String)?.contains("expired") == true)
            #expect(up.inbox.all.isEmpty)
        }
    }

    @Test("a request signed with another key, or naming another certId, is refused by the fake (unionpay_11)")
    func wrongMerchantKey() async throws {
        try await UnionPayHarness.run { up in
            let client = up.client { $0.merchantPrivateKey = SandboxHarness.keys.unionPay.platformPrivateKey }
            let error = await appError { try await client.consume(up.order()) }
            #expect(error?.code == "unionpay_11")
            #expect(error?.status == 502)

            let certError = await appError { try await up.client { $0.certID = "12345678901" }.consume(up.order()) }
            #expect(certError?.code == "unionpay_11")
        }
    }

    @Test("an answer that does not verify with UnionPay's key is refused; an unsigned refusal is still the refusal")
    func answerSignatures() async throws {
        try await UnionPayHarness.run { up in
            let client = up.client { $0.unionPayPublicKey = SandboxHarness.keys.unionPay.merchantPublicKey }
            #expect(await appError { try await client.consume(up.order()) }?.code == "unionpay_response_unsigned")

            let unsigned = up.client { $0.baseURL = up.receiverURL + "/unsigned/ok" }
            #expect(await appError { try await unsigned.query(orderID: "P1000000", txnTime: "20260921221320") }?.code
                == "unionpay_response_unsigned")
            let refusal = up.client { $0.baseURL = up.receiverURL + "/unsigned/error" }
            #expect(await appError { try await refusal.query(orderID: "P1000000", txnTime: "20260921221320") }?.code
                == "unionpay_34")
        }
    }

    @Test("a hung gateway is unionpay_timeout (504); a busy one unionpay_06 (502)")
    func transportFailures() async throws {
        try await UnionPayHarness.run(timeout: 3) { up in
            try await up.sandbox.fault("unionpay", kind: "timeout")
            let timeout = await appError { try await up.client.consume(up.order()) }
            #expect(timeout?.code == "unionpay_timeout")
            #expect(timeout?.status == 504)
            try await up.sandbox.fault("unionpay", kind: "error", errorCode: "06")
            // An answered call gets a roomy timeout, so a loaded machine cannot turn it into a timeout.
            let roomy = UnionPayClient(configuration: up.configuration, transport: SandboxHarness.control, clock: up.clock)
            let busy = await appError { try await roomy.consume(up.order()) }
            #expect(busy?.code == "unionpay_06")
            #expect(busy?.status == 502)
        }
    }

    @Test("the client's sandbox identity agrees with the sandbox's, and configuration needs both key files")
    func sandboxIdentity() throws {
        let settings = UnionPaySandboxSettings()
        #expect(UnionPayConfiguration.Sandbox.merchantID == settings.merchantID)
        #expect(UnionPayConfiguration.Sandbox.certID == settings.certID)
        #expect(UnionPayConfiguration.Sandbox.unionPayCertID == settings.unionPayCertID)
        #expect(UnionPayConfiguration.Sandbox.merchantPrivateKeyFile == SandboxUnionPayKeys.merchantPrivateKeyFile)
        #expect(UnionPayConfiguration.Sandbox.merchantPublicKeyFile == SandboxUnionPayKeys.merchantPublicKeyFile)
        #expect(UnionPayConfiguration.Sandbox.unionPayPrivateKeyFile == SandboxUnionPayKeys.platformPrivateKeyFile)
        #expect(UnionPayConfiguration.Sandbox.unionPayPublicKeyFile == SandboxUnionPayKeys.platformPublicKeyFile)
        let defaults = Configuration(environment: [:]).channels
        #expect(defaults.unionPayMerID == settings.merchantID)
        #expect(defaults.unionPayCertID == settings.certID)
        #expect(defaults.unionPayBaseURL == "http://127.0.0.1:8090")
        #expect(try UnionPayConfiguration.from(settings: defaults) == nil)
    }
}
