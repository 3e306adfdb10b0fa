import Foundation
import HuiminCore
import Testing
import Transport
@testable import WeChatPay

@Suite("WeChat Pay orders against the sandbox")
struct WeChatPayOrderTests {
    @Test("prepay answers a prepay_id and requestPayment parameters whose paySign verifies with the merchant key")
    func prepayAndPaySign() async throws {
        try await WeChatPayHarness.run { wx in
            let prepay = try await wx.client.prepay(wx.order())
            #expect(prepay.prepayID.hasPrefix("wx"))
            let p = prepay.requestPayment
            #expect(p["appId"] == "wx0000sandbox0001")
            #expect(p["package"] == "prepay_id=" + prepay.prepayID)
            #expect(p["signType"] == "RSA")
            // Seconds, never milliseconds (the classic bug), taken from the injected clock.
            #expect(p["timeStamp"] == String(Int64(wx.clock.now().timeIntervalSince1970)))
            #expect(p["nonceStr"]?.count == 32)
            let message = Array("\(p["appId"]!)\n\(p["timeStamp"]!)\n\(p["nonceStr"]!)\n\(p["package"]!)\n".utf8)
            let signature = try #require(Data(base64Encoded: p["paySign"] ?? ""))
            #expect(wx.sandbox.settings.keys.wechatPay.merchantPublicKey.verify(signature: Array(signature), message: message))
            #expect(!wx.sandbox.settings.keys.wechatPay.platformPublicKey.verify(signature: Array(signature), message: message))
        }
    }

    @Test("a new order queries as NOTPAY with its amount and payer; placing it again gives a fresh prepay_id")
    func queryUnpaid() async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order(fen: 1234)
            let first = try await wx.client.prepay(order)
            let transaction = try await wx.client.query(outTradeNo: order.outTradeNo)
            #expect(transaction.tradeState == "NOTPAY")
            #expect(transaction.amountFen == 1234)
            #expect(transaction.transactionID == nil)
            #expect(transaction.successTime == nil)
            #expect(transaction.payerOpenID == order.payerOpenID)
            let second = try await wx.client.prepay(order)
            #expect(second.prepayID != first.prepayID)
            let view = try await wx.fakeOrder(order.outTradeNo)
            // time_expire travelled as RFC 3339 +08:00 (whole seconds) and was read back to the same instant.
            let expected = Date(timeIntervalSince1970: order.expiresAt.timeIntervalSince1970.rounded(.down))
            #expect(view["timeExpire"] as? String == ISO8601.string(expected))
            #expect(view["state"] as? String == "NOTPAY")
        }
    }

    @Test("the payer pays: the notification verifies and decrypts, and the order queries as SUCCESS")
    func payNotifyQuery() async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order(fen: 2500)
            _ = try await wx.client.prepay(order)
            wx.clock.advance(by: 42)
            let paid = try await wx.pay(order.outTradeNo)
            // The merchant acknowledged (204) and the control route reports what it answered.
            #expect(paid["status"] as? Int == 204)
            let received = try await wx.waitForNotifications(1)
            #expect(received.count == 1)
            #expect(received.first?.path == "/notify/wechatpay")
            guard case .success(.transaction(let id, let transaction))? = received.first?.result else {
                Issue.record("expected a verified transaction notification, got \(String(describing: received.first?.result))")
                return
            }
            #expect(id == paid["notificationId"] as? String)
            #expect(transaction.outTradeNo == order.outTradeNo)
            #expect(transaction.tradeState == "SUCCESS")
            #expect(transaction.amountFen == 2500)
            #expect(transaction.payerFen == 2500)
            #expect(transaction.transactionID == paid["transactionId"] as? String)
            #expect(transaction.transactionID?.count == 28)
            let now = wx.clock.now().timeIntervalSince1970.rounded(.down)
            #expect(transaction.successTime == Date(timeIntervalSince1970: now))

            let queried = try await wx.client.query(outTradeNo: order.outTradeNo)
            #expect(queried == transaction)
            // The body on the wire is the real envelope: encrypted, nothing readable about the payment.
            let text = String(decoding: received.first?.body ?? [], as: UTF8.self)
            #expect(text.contains("\"resource_type\":\"encrypt-resource\""))
            #expect(text.contains("\"event_type\":\"TRANSACTION.SUCCESS\""))
            #expect(!text.contains(order.outTradeNo))
            #expect(received.first?.headers["Wechatpay-Signature-Type"] == "WECHATPAY2-SHA256-RSA2048")
            // The control route also hands back the notification as sent, for tests without a socket.
            let echoed = try #require(paid["notification"] as? [String: Any])
            #expect(echoed["body"] as? String == text)
            #expect(echoed["url"] as? String == wx.receiverURL + "/notify/wechatpay")
            let headers = try #require(echoed["headers"] as? [String: String])
            #expect(headers["Wechatpay-Signature"] == received.first?.headers["Wechatpay-Signature"])
            #expect(try wx.client.notification(headers: headers, body: Array(text.utf8), now: wx.clock.now())
                .transactionOutTradeNo == order.outTradeNo)
        }
    }

    @Test("a payer who paid less (a coupon) shows as payer_total")
    func payerTotal() async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order(fen: 2500)
            _ = try await wx.client.prepay(order)
            try await wx.pay(order.outTradeNo, payerFen: 2000)
            let queried = try await wx.client.query(outTradeNo: order.outTradeNo)
            #expect(queried.amountFen == 2500)
            #expect(queried.payerFen == 2000)
        }
    }

    @Test("closing an unpaid order: 204, then CLOSED; it can be neither placed again nor paid")
    func closeUnpaid() async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order()
            _ = try await wx.client.prepay(order)
            try await wx.client.close(outTradeNo: order.outTradeNo)
            #expect(try await wx.client.query(outTradeNo: order.outTradeNo).tradeState == "CLOSED")
            let again = await appError { try await wx.client.prepay(order) }
            #expect(again?.code == "wechatpay_order_closed")
            #expect(again?.status == 409)
            let pay = try await wx.pay(order.outTradeNo)
            #expect(pay["error"] as? String == "the order is CLOSED")
            #expect(wx.inbox.all.isEmpty)
        }
    }

    @Test("a paid order placed again is ORDERPAID (409), and cannot be closed")
    func orderPaid() async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order()
            _ = try await wx.client.prepay(order)
            try await wx.pay(order.outTradeNo)
            let again = await appError { try await wx.client.prepay(order) }
            #expect(again?.code == "wechatpay_orderpaid")
            #expect(again?.status == 409)
            #expect(await appError { try await wx.client.close(outTradeNo: order.outTradeNo) }?.code == "wechatpay_orderpaid")
        }
    }

    @Test("an unknown order is wechatpay_order_not_found (404) for query and close")
    func unknownOrder() async throws {
        try await WeChatPayHarness.run { wx in
            let query = await appError { try await wx.client.query(outTradeNo: "P20260101000000UNKNOWN1") }
            #expect(query?.code == "wechatpay_order_not_found")
            #expect(query?.status == 404)
            #expect(await appError { try await wx.client.close(outTradeNo: "P20260101000000UNKNOWN1") }?.code
                == "wechatpay_order_not_found")
        }
    }

    @Test("the fake validates like WeChat Pay: trade number, amount, expiry", arguments: [
        ("12345", Int64(100), 900.0),            // out_trade_no shorter than 6
        ("P2026#bad-number", Int64(100), 900.0), // '#' not allowed
        ("P" + String(repeating: "1", count: 32), Int64(100), 900.0), // 33 characters
        ("P20260101000000VALID01", Int64(0), 900.0), // amount must be > 0
        ("P20260101000000VALID02", Int64(100), 30.0), // time_expire under a minute away
    ])
    func validation(tradeNo: String, fen: Int64, expiresIn: Double) async throws {
        try await WeChatPayHarness.run { wx in
            var order = wx.order(tradeNo, fen: fen)
            order.expiresAt = wx.clock.now().addingTimeInterval(expiresIn)
            let error = await appError { try await wx.client.prepay(order) }
            #expect(error?.code == "wechatpay_param_error")
            #expect(error?.status == 400)
        }
    }

    @Test("trade numbers with | and * travel percent-encoded and still sign and query")
    func specialCharacters() async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order("P|2026*ab-c_d")
            _ = try await wx.client.prepay(order)
            #expect(try await wx.client.query(outTradeNo: order.outTradeNo).outTradeNo == "P|2026*ab-c_d")
        }
    }

    @Test("a notify_url with a query is refused by the fake")
    func notifyURLWithQuery() async throws {
        try await WeChatPayHarness.run { wx in
            var configuration = wx.configuration
            configuration.notifyURL = wx.receiverURL + "/notify/wechatpay?x=1"
            let client = WeChatPayClient(configuration: configuration, transport: wx.sandbox.transport, clock: wx.clock)
            #expect(await appError { try await client.prepay(wx.order()) }?.code == "wechatpay_param_error")
        }
    }
}

@Suite("WeChat Pay request and answer signatures against the sandbox")
struct WeChatPaySignatureTests {
    @Test("a request signed with another merchant key gets 401 SIGN_ERROR, mapped to wechatpay_sign_error (502)")
    func wrongMerchantKey() async throws {
        try await WeChatPayHarness.run { wx in
            var configuration = wx.configuration
            configuration.merchantKey = try RSA2PrivateKey.generate()
            let client = WeChatPayClient(configuration: configuration, transport: wx.sandbox.transport, clock: wx.clock)
            let error = await appError { try await client.prepay(wx.order()) }
            #expect(error?.code == "wechatpay_sign_error")
            #expect(error?.status == 502)
            // The right key, same call: accepted (so the failure above is the key's).
            _ = try await wx.client.prepay(wx.order())
        }
    }

    @Test("an unsigned request and a tampered body both get HTTP 401 SIGN_ERROR")
    func unsignedRequest() async throws {
        try await WeChatPayHarness.run { wx in
            let unsigned = try await wx.sandbox.transport.send(OutboundRequest(
                method: "GET", url: wx.sandbox.baseURL + "/v3/pay/transactions/out-trade-no/P123456?mchid=1900000001"))
            #expect(unsigned.status == 401)
            #expect(unsigned.text.contains("\"code\":\"SIGN_ERROR\""))

            // Signed over one body, sent with another.
            let body = Array(#"{"mchid":"1900000001"}"#.utf8)
            let authorization = try WeChatPaySigning.authorization(
                mchid: "1900000001", serialNo: wx.configuration.merchantSerialNo, key: wx.configuration.merchantKey,
                method: "POST", pathAndQuery: "/v3/pay/transactions/out-trade-no/P123456/close",
                timestamp: WeChatPaySigning.timestamp(wx.clock.now()), nonce: "N1", body: body)
            let tampered = try await wx.sandbox.transport.send(OutboundRequest(
                method: "POST", url: wx.sandbox.baseURL + "/v3/pay/transactions/out-trade-no/P123456/close",
                headers: [("Authorization", authorization), ("Content-Type", "application/json")],
                body: Array(#"{"mchid":"1900000002"}"#.utf8)))
            #expect(tampered.status == 401)
            let genuine = try await wx.sandbox.transport.send(OutboundRequest(
                method: "POST", url: wx.sandbox.baseURL + "/v3/pay/transactions/out-trade-no/P123456/close",
                headers: [("Authorization", authorization), ("Content-Type", "application/json")], body: body))
            #expect(genuine.status == 404) // signature fine, order unknown
        }
    }

    @Test("a wrong merchant serial is refused")
    func wrongSerial() async throws {
        try await WeChatPayHarness.run { wx in
            var configuration = wx.configuration
            configuration.merchantSerialNo = "0000000000000000000000000000000000000000"
            let client = WeChatPayClient(configuration: configuration, transport: wx.sandbox.transport, clock: wx.clock)
            #expect(await appError { try await client.query(outTradeNo: "P1234567") }?.code == "wechatpay_sign_error")
        }
    }

    @Test("answers that do not verify with the platform key are refused", arguments: ["unsigned", "signtest", "badsignature"])
    func forgedAnswers(kind: String) async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order()
            _ = try await wx.client.prepay(order)
            try await wx.sandbox.post("/sandbox/wechatpay/faults", "{\"kind\": \"\(kind)\"}")
            let error = await appError { try await wx.client.query(outTradeNo: order.outTradeNo) }
            #expect(error?.code == "wechatpay_response_unsigned")
            #expect(error?.status == 502)
            // The fault is used up: the next answer is signed properly.
            #expect(try await wx.client.query(outTradeNo: order.outTradeNo).tradeState == "NOTPAY")
        }
    }

    @Test("a client holding another platform key refuses genuine answers; another key ID too")
    func wrongPlatformKey() async throws {
        try await WeChatPayHarness.run { wx in
            var configuration = wx.configuration
            configuration.platformPublicKey = try RSA2PrivateKey.generate().publicKey
            let client = WeChatPayClient(configuration: configuration, transport: wx.sandbox.transport, clock: wx.clock)
            #expect(await appError { try await client.prepay(wx.order()) }?.code == "wechatpay_response_unsigned")
            var otherID = wx.configuration
            otherID.platformPublicKeyID = "PUB_KEY_ID_0000000000000000000000000000000000"
            let client2 = WeChatPayClient(configuration: otherID, transport: wx.sandbox.transport, clock: wx.clock)
            #expect(await appError { try await client2.prepay(wx.order()) }?.code == "wechatpay_response_unsigned")
        }
    }

    @Test("vendor errors, timeouts and unreachable hosts become AppErrors with clear codes")
    func failures() async throws {
        try await WeChatPayHarness.run(timeout: 4) { wx in
            // Answered calls get a roomy timeout: on a loaded machine an answer can take longer than the
            // 4 s that keeps the hang below quick to test.
            let roomy = WeChatPayClient(configuration: wx.configuration, transport: SandboxHarness.control, clock: wx.clock)
            try await wx.sandbox.post("/sandbox/wechatpay/faults", #"{"kind": "error", "code": "SYSTEM_ERROR", "status": 500}"#)
            let system = await appError { try await roomy.query(outTradeNo: "P1234567") }
            #expect(system?.code == "wechatpay_system_error")
            #expect(system?.status == 502)

            try await wx.sandbox.post("/sandbox/wechatpay/faults", #"{"kind": "error", "code": "FREQUENCY_LIMITED", "status": 429}"#)
            #expect(await appError { try await roomy.query(outTradeNo: "P1234567") }?.status == 429)

            try await wx.sandbox.post("/sandbox/wechatpay/faults", #"{"kind": "timeout"}"#)
            let timeout = await appError { try await wx.client.query(outTradeNo: "P1234567") }
            #expect(timeout?.code == "wechatpay_timeout")
            #expect(timeout?.status == 504)

            var configuration = wx.configuration
            configuration.baseURL = "http://127.0.0.1:9" // discard port: nothing listens
            let client = WeChatPayClient(configuration: configuration, transport: wx.sandbox.transport, clock: wx.clock)
            let unreachable = await appError { try await client.query(outTradeNo: "P1234567") }
            #expect(unreachable?.code == "wechatpay_unreachable")
            #expect(unreachable?.status == 502)
        }
    }
}
