@testable import Alipay
import Foundation
import HuiminCore
import Testing
import Transport

@Suite("Alipay async notifications")
struct AlipayPayNotificationTests {
    func created(_ ali: AlipayPayHarness) async throws -> AlipayOrder {
        let order = ali.order()
        _ = try await ali.client.create(order)
        return order
    }

    /// A notification body signed with `key` over `content` (defaults: the right key, the right content).
    static func body(_ fields: [(String, String)], key: RSA2PrivateKey, includeSignType: Bool = false) throws -> [UInt8] {
        let withType = fields + [("sign_type", "RSA2")]
        let content = withType.filter { $0.0 != "sign_type" || includeSignType }.sorted { $0.0 < $1.0 }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let sign = Data(try key.sign(Array(content.utf8))).base64EncodedString()
        return Array(PercentEncoding.query(withType + [("sign", sign)]).utf8)
    }

    static func fields(appID: String = "2021000000000001", seller: String = AlipayPayConfiguration.Sandbox.sellerID)
        -> [(String, String)] {
        [("notify_time", "2026-09-21 22:13:20"), ("notify_type", "trade_status_sync"), ("notify_id", "n1"),
         ("app_id", appID), ("charset", "utf-8"), ("version", "1.0"), ("trade_no", "2026092122001400000000000001"),
         ("out_trade_no", "P1"), ("seller_id", seller), ("trade_status", "TRADE_SUCCESS"), ("total_amount", "25.00"),
         ("receipt_amount", "25.00"), ("gmt_payment", "2026-09-21 22:13:20"), ("subject", "挂号费 内科&外科=1")]
    }

    @Test("a notification altered after signing is refused (401) and Alipay is not told success")
    func altered() async throws {
        try await AlipayPayHarness.run { ali in
            let order = try await created(ali)
            try await ali.notifications(mode: "alter")
            let paid = try await ali.pay(order.outTradeNo)
            #expect(paid["status"] as? Int == 401)
            #expect(paid["reply"] as? String == "fail")
            guard case .failure(let refusal)? = ali.inbox.all.first?.result else {
                Issue.record("the altered notification was accepted")
                return
            }
            #expect(refusal.code == "notification_signature_invalid")
            let sent = String(decoding: ali.inbox.all.first?.body ?? [], as: UTF8.self)
            #expect(sent.contains("total_amount=0.01"))

            // Alipay retries; the genuine notification, replayed, is accepted.
            let resent = try await ali.sandbox.post("/sandbox/alipay/notifications/resend",
                                                    "{\"outTradeNo\": \"\(order.outTradeNo)\"}")
            #expect(resent["reply"] as? String == "success")
            #expect(ali.inbox.accepted.first?.totalFen == 2500)
        }
    }

    @Test("a notification signed with sign_type in the signed content is refused")
    func signTypeSigned() async throws {
        try await AlipayPayHarness.run { ali in
            let order = try await created(ali)
            try await ali.notifications(mode: "signtype")
            let paid = try await ali.pay(order.outTradeNo)
            #expect(paid["status"] as? Int == 401)
            #expect(ali.inbox.accepted.isEmpty)
            // The same mistake made by hand: refused; the right content with the same key: accepted.
            let key = ali.sandbox.settings.keys.platformPrivateKey
            #expect(throws: AppError.self) {
                try ali.client.notification(body: Self.body(Self.fields(), key: key, includeSignType: true))
            }
            let good = try ali.client.notification(body: Self.body(Self.fields(), key: key))
            #expect(good.totalFen == 2500)
        }
    }

    @Test("forged, foreign and malformed notifications are refused with the right errors")
    func refusals() async throws {
        try await AlipayPayHarness.run { ali in
            let key = ali.sandbox.settings.keys.platformPrivateKey
            func code(_ body: [UInt8]) -> AppError? {
                do {
                    _ = try ali.client.notification(body: body)
                    return nil
                } catch {
                    return error as? AppError
                }
            }
            let forged = code(try Self.body(Self.fields(), key: try RSA2PrivateKey.generate()))
            #expect(forged?.code == "notification_signature_invalid")
            #expect(forged?.status == 401)
            // Signed by Alipay, but for another app or another seller.
            #expect(code(try Self.body(Self.fields(appID: "2021999999999999"), key: key))?.code
                == "notification_signature_invalid")
            #expect(code(try Self.body(Self.fields(seller: "2088999999999999"), key: key))?.code
                == "notification_signature_invalid")
            #expect(code(Array("sign=abc&app_id=1".utf8))?.code == "notification_signature_invalid")
            let malformed = code(Array("%ZZ=1&&=".utf8))
            #expect(malformed?.code == "notification_malformed")
            #expect(malformed?.status == 400)
            // Properly signed but with three decimals, or without a trade status.
            var fields = Self.fields()
            fields = fields.map { $0.0 == "total_amount" ? ($0.0, "25.001") : $0 }
            #expect(code(try Self.body(fields, key: key))?.code == "notification_malformed")
            #expect(code(try Self.body(Self.fields().filter { $0.0 != "trade_status" }, key: key))?.code
                == "notification_malformed")
        }
    }

    @Test("duplicate delivery sends the same notification twice; drop sends none but the route still hands it out")
    func duplicateAndDrop() async throws {
        try await AlipayPayHarness.run { ali in
            let first = try await created(ali)
            try await ali.notifications(mode: "duplicate")
            let twice = try await ali.pay(first.outTradeNo)
            #expect(twice["statuses"] as? [Int] == [200, 200])
            let accepted = ali.inbox.accepted
            #expect(accepted.count == 2)
            #expect(accepted.first == accepted.last)

            let second = try await created(ali)
            try await ali.notifications(mode: "drop")
            let dropped = try await ali.pay(second.outTradeNo)
            #expect(dropped["status"] == nil)
            #expect(ali.inbox.all.count == 2)
            let body = try #require((dropped["notification"] as? [String: Any])?["body"] as? String)
            #expect(try ali.client.notification(body: Array(body.utf8)).outTradeNo == second.outTradeNo)
            let view = try await ali.fakeOrder(second.outTradeNo)
            #expect((view["notifications"] as? [[String: Any]])?.first?["mode"] as? String == "drop")
        }
    }

    @Test("delay posts the notification later")
    func delay() async throws {
        try await AlipayPayHarness.run { ali in
            let order = try await created(ali)
            try await ali.notifications(mode: "delay", delayMs: 200)
            let paid = try await ali.pay(order.outTradeNo)
            #expect(paid["status"] == nil)
            let received = try await ali.waitForNotifications(1)
            #expect(received.count == 1)
            #expect(ali.inbox.accepted.first?.outTradeNo == order.outTradeNo)
        }
    }
}
