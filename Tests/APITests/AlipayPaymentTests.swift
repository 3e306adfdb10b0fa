import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// Paying a registration fee through Alipay: alipay.trade.create for `my.tradePay`, the RSA2-signed
/// async notification answered with the literal `success`, refunds by out_request_no, and the
/// sweeper's query and close at Alipay.
@Suite struct AlipayPaymentTests {
    typealias F = AppointmentFixture
    typealias P = PaymentFixture

    @Test func anAlipayResidentPaysAndTheSignedNotificationConfirmsTheBookingOnce() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (resident, booking, payment) = try await P.lockedAndOrdered(h, client, feeFen: 1800, channel: "alipay")
                #expect(payment["channel"] as? String == "alipay")
                #expect(payment["state"] as? String == "paying")
                let id = try #require(payment["id"] as? String)
                let tradeNo = try #require(payment["tradeNo"] as? String)
                let again = try await P.pay(client, resident, booking: booking, key: "pay-\(booking)", channel: "alipay")
                #expect(again.status == 200)
                let tradeNO = try #require(again.object("requestPayment")["tradeNO"] as? String, "my.tradePay takes Alipay's trade_no")
                let atAlipay = try await h.sandboxJSON("GET", "/sandbox/alipay/orders/\(tradeNo)")
                #expect(atAlipay["tradeNo"] as? String == tradeNO)
                #expect(atAlipay["totalFen"] as? Int == 1800)
                #expect(atAlipay["notifyUrl"] as? String == "http://127.0.0.1:9/notify/v1/alipay")

                let form = try await P.alipayPayerPays(h, tradeNo: tradeNo)
                let delivered = try await P.deliverAlipay(client, body: form)
                #expect(delivered.status == 200)
                #expect(delivered.text == "success", "Alipay retries on any other body")
                let paid = try await P.payment(client, resident, id)
                #expect(paid["state"] as? String == "paid")
                #expect(paid["paidFen"] as? Int == 1800)
                let confirmed = try await client.call(.get, "/api/v1/bookings/\(booking)", token: resident.token)
                #expect(confirmed.object("booking")["state"] as? String == "confirmed")

                let audits = try await CatalogKit.count(h, "SELECT COUNT(*) FROM audit_log")
                let twice = try await P.deliverAlipay(client, body: form)
                #expect(twice.text == "success", "a retry of one already taken is acknowledged")
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM audit_log") == audits, "and changes nothing")
                #expect(try await h.services.outbox.entries(subjectID: id).map(\.event) == ["payment.paid"])
            }
        }
    }

    @Test func forgedOrAlteredAlipayNotificationsAreRefusedAndChangeNothing() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (resident, _, payment) = try await P.lockedAndOrdered(h, client, feeFen: 1800, channel: "alipay")
                let id = try #require(payment["id"] as? String)
                let form = try await P.alipayPayerPays(h, tradeNo: try #require(payment["tradeNo"] as? String))
                let cheaper = form.replacingOccurrences(of: "total_amount=18.00", with: "total_amount=0.01")
                #expect(cheaper != form)
                let altered = try await P.deliverAlipay(client, body: cheaper)
                #expect(altered.status == 401)
                #expect(altered.text != "success")
                let unsigned = try await P.deliverAlipay(client, body: form.split(separator: "&").filter { !$0.hasPrefix("sign=") }
                    .joined(separator: "&"))
                #expect(unsigned.status == 401)
                let garbage = try await P.deliverAlipay(client, body: "%%%")
                #expect(garbage.status == 400 || garbage.status == 401)
                #expect(try await P.payment(client, resident, id)["state"] as? String == "paying")
            }
        }
    }

    @Test func aLostAlipayNotificationIsMadeGoodAndRefundsGoBackInParts() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                // A lost notification: the sweeper asks Alipay and takes the payment.
                let (resident, booking, payment) = try await P.lockedAndOrdered(h, client, feeFen: 2500, channel: "alipay")
                let id = try #require(payment["id"] as? String)
                let tradeNo = try #require(payment["tradeNo"] as? String)
                _ = try await P.alipayPayerPays(h, tradeNo: tradeNo)  // never delivered
                h.clock.advance(by: 3 * 60)
                #expect(try await h.services.paymentSweeper.pass().recovered == 1)
                #expect(try await P.payment(client, resident, id)["state"] as? String == "paid")
                let confirmed = try await client.call(.get, "/api/v1/bookings/\(booking)", token: resident.token)
                #expect(confirmed.object("booking")["state"] as? String == "confirmed")

                // A cashier refunds in two parts; Alipay moves the money at once.
                let cashier = try await CatalogKit.staff(h, client, role: "cashier")
                for (fen, key) in [(1000, "a1"), (1500, "a2")] {
                    let refunded = try await client.call(.post, "/api/v1/staff/payments/\(id)/refunds", token: cashier,
                                                         json: #"{"amountFen":\#(fen),"reason":"多收费用退回"}"#,
                                                         headers: [.init("Idempotency-Key")!: key])
                    #expect(refunded.status == 201, "\(refunded.body)")
                }
                let done = try await P.payment(client, resident, id)
                #expect(done["state"] as? String == "refunded")
                #expect(done["refundedFen"] as? Int == 2500)
                #expect((done["refunds"] as? [[String: any Sendable]] ?? []).map { $0["state"] as? String } == ["succeeded", "succeeded"])
                let atAlipay = try await h.sandboxJSON("GET", "/sandbox/alipay/orders/\(tradeNo)")
                #expect((atAlipay["refunds"] as? [[String: Any]])?.map { $0["refundFen"] as? Int } == [1000, 1500])
            }
        }
    }

    @Test func anUnpaidAlipayTradeClosesWithItsLockAtAlipayAndHere() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (resident, _, payment) = try await P.lockedAndOrdered(h, client, channel: "alipay")
                let tradeNo = try #require(payment["tradeNo"] as? String)
                h.clock.advance(by: 15 * 60 + 1)
                #expect(try await h.services.paymentSweeper.pass().closed == 1)
                #expect(try await P.payment(client, resident, try #require(payment["id"] as? String))["state"] as? String == "closed")
                let atAlipay = try await h.sandboxJSON("GET", "/sandbox/alipay/orders/\(tradeNo)")
                #expect(atAlipay["status"] as? String == "TRADE_CLOSED", "\(atAlipay)")
            }
        }
    }

    @Test func payingThroughAChannelTheAccountDidNotSignInWithIsRefused() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 3, feeFen: 500)])
                try await P.merchant(h, client, channel: "alipay")
                let resident = try await Resident.register(h, client)  // WeChat
                let booked = try await resident.book(client, slot: clinic.slotIDs[0])
                let booking = try #require(booked.object("booking")["id"] as? String)
                let refused = try await P.pay(client, resident, booking: booking, channel: "alipay")
                #expect(refused.status == 422)
                #expect(refused.errorCode == "channel_not_available")
                let unknown = try await P.pay(client, resident, booking: booking, channel: "paypal")
                #expect(unknown.errorCode == "channel_invalid")
            }
        }
    }
}
