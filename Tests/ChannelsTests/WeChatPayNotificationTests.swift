import Crypto
import Foundation
import HuiminCore
import Testing
@testable import WeChatPay

@Suite("WeChat Pay notifications from the sandbox")
struct WeChatPayNotificationTests {
    /// Places and pays an order with normal delivery; returns the notification as received.
    func paidNotification(_ wx: WeChatPayHarness) async throws -> NotificationInbox.Received {
        let order = wx.order()
        _ = try await wx.client.prepay(order)
        try await wx.pay(order.outTradeNo)
        return try #require(try await wx.waitForNotifications(1).first)
    }

    @Test("an altered notification (body changed after signing) is refused with 401; the order is still paid")
    func altered() async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order()
            _ = try await wx.client.prepay(order)
            try await wx.notifications(mode: "alter")
            let paid = try await wx.pay(order.outTradeNo)
            #expect(paid["status"] as? Int == 401)
            let received = try await wx.waitForNotifications(1)
            #expect(received.first.map { String(decoding: $0.body, as: UTF8.self).contains("(altered)") } == true)
            guard case .failure(let error)? = received.first?.result else {
                Issue.record("an altered notification was accepted")
                return
            }
            #expect(error.code == "notification_signature_invalid")
            #expect(error.status == 401)
            // WeChat Pay's side is unchanged by the refusal: a query tells the truth.
            #expect(try await wx.client.query(outTradeNo: order.outTradeNo).tradeState == "SUCCESS")
            // The genuine one, replayed, is accepted.
            let resent = try await wx.sandbox.post("/sandbox/wechatpay/notifications/resend",
                                                   "{\"outTradeNo\": \"\(order.outTradeNo)\"}")
            #expect(resent["status"] as? Int == 204)
        }
    }

    @Test("a WECHATPAY/SIGNTEST/ probe is refused, from the fake and when built by hand")
    func signatureProbe() async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order()
            _ = try await wx.client.prepay(order)
            try await wx.notifications(mode: "probe")
            #expect(try await wx.pay(order.outTradeNo)["status"] as? Int == 401)
            let probe = try #require(try await wx.waitForNotifications(1).first)
            #expect(probe.headers["Wechatpay-Signature"]?.hasPrefix("WECHATPAY/SIGNTEST/") == true)
            guard case .failure(let error) = probe.result else {
                Issue.record("a signature probe was accepted")
                return
            }
            #expect(error.code == "notification_signature_invalid")

            // The probe's signature without its prefix is a genuine one: the prefix alone made it fail.
            var headers = probe.headers
            headers["Wechatpay-Signature"] = String(headers["Wechatpay-Signature"]!.dropFirst("WECHATPAY/SIGNTEST/".count))
            #expect(throws: Never.self) { try wx.client.notification(headers: headers, body: probe.body, now: wx.clock.now()) }
        }
    }

    @Test("timestamps more than 5 minutes from now are refused; within, accepted")
    func staleTimestamp() async throws {
        try await WeChatPayHarness.run { wx in
            let received = try await paidNotification(wx)
            let now = wx.clock.now()
            for (offset, accepted) in [(299.0, true), (-299.0, true), (301.0, false), (-301.0, false)] {
                let outcome = Result { try wx.client.notification(headers: received.headers, body: received.body,
                                                                  now: now.addingTimeInterval(offset)) }
                switch outcome {
                case .success: #expect(accepted, "offset \(offset) accepted")
                case .failure(let error):
                    #expect(!accepted, "offset \(offset) refused: \(error)")
                    #expect((error as? AppError)?.code == "notification_signature_invalid")
                }
            }
            // A replay ten minutes later is refused by the receiver.
            wx.clock.advance(by: 600)
            let order = try #require(received.result.transactionOutTradeNo)
            let resent = try await wx.sandbox.post("/sandbox/wechatpay/notifications/resend", "{\"outTradeNo\": \"\(order)\"}")
            #expect(resent["status"] as? Int == 401)
        }
    }

    @Test("a serial that is not ours, missing headers or a changed body are refused")
    func tampering() async throws {
        try await WeChatPayHarness.run { wx in
            let received = try await paidNotification(wx)
            let now = wx.clock.now()
            var serial = received.headers
            serial["Wechatpay-Serial"] = "PUB_KEY_ID_0119999999999999999999999999999999"
            var missing = received.headers
            missing["Wechatpay-Nonce"] = nil
            var lower: [String: String] = [:]
            for (name, value) in received.headers { lower[name.lowercased()] = value }
            var body = received.body
            body[body.count / 2] ^= 0x01
            for (headers, bytes) in [(serial, received.body), (missing, received.body), (received.headers, body)] {
                let error = try? #require(throws: AppError.self) {
                    try wx.client.notification(headers: headers, body: bytes, now: now)
                }
                #expect(error?.code == "notification_signature_invalid")
                #expect(error?.status == 401)
            }
            // Header names in any case are fine.
            #expect(throws: Never.self) { try wx.client.notification(headers: lower, body: received.body, now: now) }
        }
    }

    @Test("a signed body that is not a decryptable notification is notification_malformed (400)")
    func malformed() async throws {
        try await WeChatPayHarness.run { wx in
            let platform = wx.sandbox.settings.keys.wechatPay.platformPrivateKey
            let now = wx.clock.now()
            func signed(_ text: String) throws -> ([String: String], [UInt8]) {
                let body = Array(text.utf8)
                let ts = String(Int64(now.timeIntervalSince1970))
                let signature = try platform.sign(Array("\(ts)\nNONCE1\n".utf8) + body + [10])
                return (["Wechatpay-Timestamp": ts, "Wechatpay-Nonce": "NONCE1",
                         "Wechatpay-Signature": Data(signature).base64EncodedString(),
                         "Wechatpay-Serial": wx.configuration.platformPublicKeyID,
                         "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048"], body)
            }
            // Encrypted under a key that is not our APIv3 key.
            let wrongKey = SymmetricKey(data: Array("0123456789abcdef0123456789abcdef".utf8))
            let box = try AES.GCM.seal(Array(#"{"out_trade_no":"P1234567","trade_state":"SUCCESS"}"#.utf8), using: wrongKey,
                                       nonce: AES.GCM.Nonce(data: Array("abcdefghijkl".utf8)),
                                       authenticating: Array("transaction".utf8))
            let ciphertext = (Data(box.ciphertext) + Data(box.tag)).base64EncodedString()
            let wrong = #"{"id":"n1","event_type":"TRANSACTION.SUCCESS","resource_type":"encrypt-resource","resource":"#
                + #"{"algorithm":"AEAD_AES_256_GCM","ciphertext":"\#(ciphertext)","associated_data":"transaction","#
                + #""nonce":"abcdefghijkl","original_type":"transaction"}}"#
            for text in ["not json", #"{"id":"n1"}"#, wrong] {
                let (headers, body) = try signed(text)
                let error = try? #require(throws: AppError.self) {
                    try wx.client.notification(headers: headers, body: body, now: now)
                }
                #expect(error?.code == "notification_malformed")
                #expect(error?.status == 400)
            }
            // The same construction under our APIv3 key decodes: the failures above are the content's.
            let good = try AES.GCM.seal(Array(#"{"out_trade_no":"P1234567","trade_state":"SUCCESS"}"#.utf8),
                                        using: SymmetricKey(data: wx.configuration.apiV3Key),
                                        nonce: AES.GCM.Nonce(data: Array("abcdefghijkl".utf8)),
                                        authenticating: Array("transaction".utf8))
            let (headers, body) = try signed(wrong.replacingOccurrences(
                of: ciphertext, with: (Data(good.ciphertext) + Data(good.tag)).base64EncodedString()))
            let decoded = try wx.client.notification(headers: headers, body: body, now: now)
            #expect(decoded.transactionOutTradeNo == "P1234567")
        }
    }

    @Test("a dropped notification never arrives, but the order is paid and a query says so")
    func dropped() async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order()
            _ = try await wx.client.prepay(order)
            try await wx.notifications(mode: "drop")
            let paid = try await wx.pay(order.outTradeNo)
            #expect(paid["status"] == nil)
            #expect(paid["mode"] as? String == "drop")
            try await Task.sleep(for: .milliseconds(200))
            #expect(wx.inbox.all.isEmpty)
            #expect(try await wx.client.query(outTradeNo: order.outTradeNo).tradeState == "SUCCESS")
            let view = try await wx.fakeOrder(order.outTradeNo)
            let deliveries = view["notifications"] as? [[String: Any]] ?? []
            #expect(deliveries.count == 1)
            #expect(deliveries.first?["mode"] as? String == "drop")
        }
    }

    @Test("a duplicated notification arrives twice with the same id")
    func duplicated() async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order()
            _ = try await wx.client.prepay(order)
            try await wx.notifications(mode: "duplicate")
            let paid = try await wx.pay(order.outTradeNo)
            #expect(paid["statuses"] as? [Int] == [204, 204])
            let received = try await wx.waitForNotifications(2)
            #expect(received.count == 2)
            #expect(received.compactMap { $0.result.notificationID }.count == 2)
            #expect(Set(received.compactMap { $0.result.notificationID }) == [paid["notificationId"] as? String ?? "?"])
        }
    }

    @Test("a delayed notification arrives after the pay call returned")
    func delayed() async throws {
        try await WeChatPayHarness.run { wx in
            let order = wx.order()
            _ = try await wx.client.prepay(order)
            try await wx.notifications(mode: "delay", delayMs: 300)
            let asked = ContinuousClock.now
            let paid = try await wx.pay(order.outTradeNo)
            // The answer did not wait for a delivery (it has no status from the receiver)...
            #expect(paid["status"] == nil)
            let received = try await wx.waitForNotifications(1)
            #expect(received.first?.result.notificationID == paid["notificationId"] as? String)
            // ...and the notification came the delay later. (Whether the test's own task saw the
            // answer before the receiver saw the post depends on the machine's load, so it is not asked.)
            let arrived = try #require(received.first?.arrivedAt)
            #expect(arrived - asked >= .milliseconds(300))
        }
    }

    @Test("the plan applies to the next n notifications only")
    func planCount() async throws {
        try await WeChatPayHarness.run { wx in
            try await wx.notifications(mode: "drop", times: 2)
            var statuses: [Int?] = []
            for _ in 0..<3 {
                let order = wx.order()
                _ = try await wx.client.prepay(order)
                statuses.append(try await wx.pay(order.outTradeNo)["status"] as? Int)
            }
            #expect(statuses == [nil, nil, 204])
        }
    }
}

extension Result where Success == WeChatPayNotification {
    var notificationID: String? {
        switch self {
        case .success(.transaction(let id, _)), .success(.refund(let id, _)): id
        case .failure: nil
        }
    }

    var transactionOutTradeNo: String? {
        if case .success(.transaction(_, let transaction)) = self { return transaction.outTradeNo }
        return nil
    }
}

extension WeChatPayNotification {
    var transactionOutTradeNo: String? {
        if case .transaction(_, let transaction) = self { return transaction.outTradeNo }
        return nil
    }
}
