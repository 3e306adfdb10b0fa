@testable import Alipay
import Foundation
import HuiminCore
import Sandbox
import Testing
import Transport

@Suite("Alipay trades against the sandbox")
struct AlipayPayOrderTests {
    @Test("create answers a trade_no; the trade queries WAIT_BUYER_PAY; creating it again answers the same trade_no")
    func createAndQueryUnpaid() async throws {
        try await AlipayPayHarness.run { ali in
            let order = ali.order(fen: 1234)
            let created = try await ali.client.create(order)
            #expect(created.outTradeNo == order.outTradeNo)
            #expect(created.tradeNo.count == 28)
            #expect(created.tradeNo.hasPrefix("20260921"))
            let trade = try await ali.client.query(outTradeNo: order.outTradeNo)
            #expect(trade.tradeStatus == "WAIT_BUYER_PAY")
            #expect(trade.totalFen == 1234)
            #expect(trade.tradeNo == created.tradeNo)
            #expect(trade.paidAt == nil)
            #expect(trade.receiptFen == nil)
            #expect(trade.buyerID == order.buyerOpenID)
            #expect(try await ali.client.create(order) == created)

            // The fake saw the amount as "12.34", time_expire as Beijing wall time and our notify_url.
            let view = try await ali.fakeOrder(order.outTradeNo)
            #expect(view["totalFen"] as? Int == 1234)
            #expect(view["notifyUrl"] as? String == ali.receiverURL + "/notify/alipay")
            let expected = Date(timeIntervalSince1970: order.expiresAt.timeIntervalSince1970.rounded(.down))
            #expect(view["timeExpire"] as? String == ISO8601.string(expected))

            // The same number with another amount is another trade: refused.
            var other = order
            other.amountFen = 1
            #expect(await appError { try await ali.client.create(other) }?.code == "alipay_acq_context_inconsistent")
        }
    }

    @Test("the payer pays: the notify verifies with the amounts in fen, and the trade queries TRADE_SUCCESS")
    func payNotifyQuery() async throws {
        try await AlipayPayHarness.run { ali in
            let order = ali.order(fen: 2500)
            let created = try await ali.client.create(order)
            ali.clock.advance(by: 42)
            let paid = try await ali.pay(order.outTradeNo)
            #expect(paid["status"] as? Int == 200)
            #expect(paid["reply"] as? String == "success")
            let received = try await ali.waitForNotifications(1)
            #expect(received.count == 1)
            #expect(received.first?.contentType?.hasPrefix("application/x-www-form-urlencoded") == true)
            guard case .success(let notification)? = received.first?.result else {
                Issue.record("expected a verified notification, got \(String(describing: received.first?.result))")
                return
            }
            let now = Date(timeIntervalSince1970: ali.clock.now().timeIntervalSince1970.rounded(.down))
            #expect(notification.notifyID == paid["notifyId"] as? String)
            #expect(notification.tradeStatus == "TRADE_SUCCESS")
            #expect(notification.tradeNo == created.tradeNo)
            #expect(notification.outTradeNo == order.outTradeNo)
            #expect(notification.totalFen == 2500)
            #expect(notification.receiptFen == 2500)
            #expect(notification.buyerPayFen == 2500)
            #expect(notification.paidAt == now)
            #expect(notification.refundFeeFen == nil)
            #expect(!notification.isRefund)
            #expect(notification.sellerID == AlipayPayConfiguration.Sandbox.sellerID)
            #expect(notification.buyerID == order.buyerOpenID)
            #expect(notification.passback == "bkg_test")

            let trade = try await ali.client.query(outTradeNo: order.outTradeNo)
            #expect(trade.tradeStatus == "TRADE_SUCCESS")
            #expect(trade.isPaid)
            #expect(trade.paidAt == now)
            #expect(trade.receiptFen == 2500)
            #expect(trade.buyerPayFen == 2500)

            // The control route hands out the notification itself for socket-less tests, byte for byte.
            let sent = try #require(paid["notification"] as? [String: Any])
            #expect(sent["body"] as? String == String(decoding: received.first?.body ?? [], as: UTF8.self))
            #expect((sent["contentType"] as? String)?.hasPrefix("application/x-www-form-urlencoded") == true)
            #expect(try ali.client.notification(body: Array((sent["body"] as? String ?? "").utf8)) == notification)

            // Paid: creating it again and closing it are refused as state conflicts.
            let again = await appError { try await ali.client.create(order) }
            #expect(again?.code == "alipay_acq_trade_has_success")
            #expect(again?.status == 409)
            let close = await appError { try await ali.client.close(outTradeNo: order.outTradeNo) }
            #expect(close?.code == "alipay_acq_trade_status_error")
            #expect(close?.status == 409)
        }
    }

    @Test("a closed trade queries TRADE_CLOSED, cannot be paid and cannot be created again")
    func close() async throws {
        try await AlipayPayHarness.run { ali in
            let order = ali.order()
            _ = try await ali.client.create(order)
            try await ali.client.close(outTradeNo: order.outTradeNo)
            try await ali.client.close(outTradeNo: order.outTradeNo) // closing again is harmless
            #expect(try await ali.client.query(outTradeNo: order.outTradeNo).tradeStatus == "TRADE_CLOSED")
            let paid = try await ali.pay(order.outTradeNo)
            #expect((paid["error"] as? String)?.contains("TRADE_CLOSED") == true)
            let again = await appError { try await ali.client.create(order) }
            #expect(again?.code == "alipay_acq_trade_has_close")
            #expect(again?.status == 409)
            #expect(ali.inbox.all.isEmpty)
        }
    }

    @Test("an unpaid trade past time_expire is closed")
    func expiry() async throws {
        try await AlipayPayHarness.run { ali in
            let order = ali.order()
            _ = try await ali.client.create(order)
            ali.clock.advance(by: 901)
            #expect(try await ali.client.query(outTradeNo: order.outTradeNo).tradeStatus == "TRADE_CLOSED")
        }
    }

    @Test("an unknown trade is alipay_acq_trade_not_exist (404) for query, close, refund and refund query")
    func unknownTrade() async throws {
        try await AlipayPayHarness.run { ali in
            let query = await appError { try await ali.client.query(outTradeNo: "NEVER_CREATED_1") }
            #expect(query?.code == "alipay_acq_trade_not_exist")
            #expect(query?.status == 404)
            #expect(await appError { try await ali.client.close(outTradeNo: "NEVER_CREATED_1") }?.code
                == "alipay_acq_trade_not_exist")
            #expect(await appError {
                try await ali.client.refund(.init(outTradeNo: "NEVER_CREATED_1", outRequestNo: "R1", refundFen: 1))
            }?.code == "alipay_acq_trade_not_exist")
            #expect(await appError { try await ali.client.queryRefund(outTradeNo: "NEVER_CREATED_1", outRequestNo: "R1") }?
                .code == "alipay_acq_trade_not_exist")
        }
    }

    @Test("the fake validates like Alipay: trade number, amount, subject, buyer")
    func validation() async throws {
        try await AlipayPayHarness.run { ali in
            var long = ali.order(String(repeating: "A", count: 65))
            #expect(await appError { try await ali.client.create(long) }?.code == "alipay_acq_invalid_parameter")
            long.outTradeNo = "BAD-CHARS|1"
            #expect(await appError { try await ali.client.create(long) }?.code == "alipay_acq_invalid_parameter")
            let zero = ali.order(fen: 0)
            let error = await appError { try await ali.client.create(zero) }
            #expect(error?.code == "alipay_acq_invalid_parameter")
            #expect(error?.status == 400)
            var noBuyer = ali.order()
            noBuyer.buyerOpenID = ""
            #expect(await appError { try await ali.client.create(noBuyer) }?.code == "alipay_acq_invalid_parameter")
            var userID = ali.order()
            userID.buyerOpenID = "2088102177846880" // a legacy user ID travels as buyer_id
            _ = try await ali.client.create(userID)
            #expect(try await ali.client.query(outTradeNo: userID.outTradeNo).buyerID == "2088102177846880")
            _ = try await ali.client.create(ali.order("A_" + String(repeating: "9", count: 62)))
        }
    }

    @Test("a request signed with a key other than the app's is refused by the fake")
    func wrongAppKey() async throws {
        try await AlipayPayHarness.run { ali in
            var configuration = ali.configuration
            configuration.appPrivateKey = try RSA2PrivateKey.generate()
            let client = AlipayPayClient(configuration: configuration, transport: ali.sandbox.transport, clock: ali.clock)
            let error = await appError { try await client.create(ali.order()) }
            #expect(error?.code == "alipay_isv_invalid-signature")
            #expect(error?.status == 502)
        }
    }

    @Test("an answer that does not verify with Alipay's public key is refused, success or error alike")
    func forgedAnswer() async throws {
        try await AlipayPayHarness.run { ali in
            var configuration = ali.configuration
            configuration.alipayPublicKey = try RSA2PrivateKey.generate().publicKey
            let client = AlipayPayClient(configuration: configuration, transport: ali.sandbox.transport, clock: ali.clock)
            #expect(await appError { try await client.create(ali.order()) }?.code == "alipay_response_unsigned")
            #expect(await appError { try await client.query(outTradeNo: "NEVER_CREATED_1") }?.code
                == "alipay_response_unsigned")
        }
    }

    @Test("an unsigned success answer is refused; an unsigned error answer is still the error it states")
    func unsignedAnswer() async throws {
        try await AlipayPayHarness.run { ali in
            var configuration = ali.configuration
            configuration.gatewayURL = ali.receiverURL + "/unsigned/gateway.do?kind=success"
            let success = AlipayPayClient(configuration: configuration, transport: ali.sandbox.transport, clock: ali.clock)
            let refused = await appError { try await success.query(outTradeNo: "P1") }
            #expect(refused?.code == "alipay_response_unsigned")
            #expect(refused?.status == 502)
            configuration.gatewayURL = ali.receiverURL + "/unsigned/gateway.do?kind=error"
            let error = AlipayPayClient(configuration: configuration, transport: ali.sandbox.transport, clock: ali.clock)
            #expect(await appError { try await error.query(outTradeNo: "P1") }?.code == "alipay_acq_trade_not_exist")
        }
    }

    @Test("transport failures are alipay_timeout (504) and alipay_unreachable (502); gateway faults keep their code")
    func transportFailures() async throws {
        try await AlipayPayHarness.run(timeout: 3) { ali in
            try await ali.sandbox.fault("alipay", kind: "timeout")
            let timeout = await appError { try await ali.client.query(outTradeNo: "ANY_1") }
            #expect(timeout?.code == "alipay_timeout")
            #expect(timeout?.status == 504)
            try await ali.sandbox.fault("alipay", kind: "error", errorCode: "ACQ.SYSTEM_ERROR")
            // An answered call gets a roomy timeout, so a loaded machine cannot turn it into a timeout.
            let roomy = AlipayPayClient(configuration: ali.configuration, transport: SandboxHarness.control, clock: ali.clock)
            let system = await appError { try await roomy.query(outTradeNo: "ANY_1") }
            #expect(system?.code == "alipay_acq_system_error")
            #expect(system?.status == 502)
            var configuration = ali.configuration
            configuration.gatewayURL = "http://127.0.0.1:1/gateway.do"
            let client = AlipayPayClient(configuration: configuration, transport: ali.sandbox.transport, clock: ali.clock)
            #expect(await appError { try await client.query(outTradeNo: "ANY_1") }?.code == "alipay_unreachable")
        }
    }

    @Test("the sandbox merchant's PID is the one the client expects")
    func sandboxIdentity() {
        #expect(AlipayPaySandboxSettings().sellerID == AlipayPayConfiguration.Sandbox.sellerID)
    }
}
