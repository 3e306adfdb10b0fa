import Database
import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// Paying a registration fee through WeChat Pay: the order, the signed notification, the
/// booking it confirms, and what happens when a notification is lost, forged or late.
@Suite struct PaymentTests {
    typealias F = AppointmentFixture
    typealias P = PaymentFixture

    @Test func aResidentPaysTheFeeAndTheNotificationConfirmsTheBookingOnce() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (resident, booking, payment) = try await P.lockedAndOrdered(h, client, feeFen: 2500)
                #expect(payment["state"] as? String == "paying")
                #expect(payment["amountFen"] as? Int == 2500)
                #expect(payment["expiresAt"] as? String == ISO8601.string(F.dayBefore10am.addingTimeInterval(15 * 60)),
                        "the order lasts as long as the booking's lock")
                let id = try #require(payment["id"] as? String)
                let tradeNo = try #require(payment["tradeNo"] as? String)
                #expect((6...32).contains(tradeNo.count))

                // The same tap again: the same order, a fresh prepay for the cashier.
                let again = try await P.pay(client, resident, booking: booking, key: "pay-\(booking)")
                #expect(again.status == 200)
                #expect(again.object("payment")["id"] as? String == id)
                let cashier = again.object("requestPayment")
                #expect((cashier["package"] as? String)?.hasPrefix("prepay_id=") == true)
                #expect(cashier["signType"] as? String == "RSA")
                #expect((cashier["paySign"] as? String)?.isEmpty == false)

                let notification = try await P.payerPays(h, tradeNo: tradeNo)
                let delivered = try await P.deliver(client, headers: notification.headers, body: notification.body)
                #expect(delivered.status == 204, "\(delivered.body)")
                let paid = try await P.payment(client, resident, id)
                #expect(paid["state"] as? String == "paid")
                #expect(paid["paidFen"] as? Int == 2500)
                let confirmed = try await client.call(.get, "/api/v1/bookings/\(booking)", token: resident.token)
                #expect(confirmed.object("booking")["state"] as? String == "confirmed")
                #expect(confirmed.object("booking")["amountDueFen"] as? Int == 0)

                // WeChat Pay retries until acknowledged: a second delivery is acknowledged and changes nothing.
                let audits = try await CatalogKit.count(h, "SELECT COUNT(*) FROM audit_log")
                let twice = try await P.deliver(client, headers: notification.headers, body: notification.body)
                #expect(twice.status == 204)
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM audit_log") == audits)
                #expect(try await h.services.outbox.entries(subjectID: booking).map(\.event) == ["appointment.booked"])
                #expect(try await h.services.outbox.entries(subjectID: id).map(\.event) == ["payment.paid"])

                // Paid, the booking takes no second order.
                let paidAgain = try await P.pay(client, resident, booking: booking)
                #expect(paidAgain.status == 409)
                #expect(paidAgain.errorCode == "booking_not_payable")
                let listed = try await client.call(.get, "/api/v1/payments", token: resident.token)
                #expect((listed["payments"] as? [[String: any Sendable]])?.map { $0["id"] as? String } == [id])
            }
        }
    }

    @Test func forgedAlteredAndReplayedNotificationsAreRefusedAndChangeNothing() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (resident, booking, payment) = try await P.lockedAndOrdered(h, client)
                let id = try #require(payment["id"] as? String)
                let notification = try await P.payerPays(h, tradeNo: try #require(payment["tradeNo"] as? String))

                let altered = notification.body.replacingOccurrences(of: "\"id\":\"", with: "\"id\":\"x")
                let refused = try await P.deliver(client, headers: notification.headers, body: altered)
                #expect(refused.status == 401)
                #expect(refused["code"] as? String == "FAIL", "WeChat Pay's failure answer")
                let signatureHeader = try #require(notification.headers.keys.first { $0.lowercased() == "wechatpay-signature" })
                var unsigned = notification.headers
                unsigned.removeValue(forKey: signatureHeader)
                #expect(try await P.deliver(client, headers: unsigned, body: notification.body).status == 401)
                var probe = notification.headers
                probe[signatureHeader] = "WECHATPAY/SIGNTEST/" + (probe[signatureHeader] ?? "")
                #expect(try await P.deliver(client, headers: probe, body: notification.body).status == 401)
                #expect(try await P.payment(client, resident, id)["state"] as? String == "paying")
                let locked = try await client.call(.get, "/api/v1/bookings/\(booking)", token: resident.token)
                #expect(locked.object("booking")["state"] as? String == "locked")

                // The genuine one is taken; the same bytes replayed ten minutes on are stale and refused.
                #expect(try await P.deliver(client, headers: notification.headers, body: notification.body).status == 204)
                #expect(try await P.payment(client, resident, id)["state"] as? String == "paid")
                h.clock.advance(by: 10 * 60)
                #expect(try await P.deliver(client, headers: notification.headers, body: notification.body).status == 401)
                #expect(try await P.payment(client, resident, id)["state"] as? String == "paid")
            }
        }
    }

    @Test func aLostNotificationIsMadeGoodByAskingWeChatPay() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (resident, booking, payment) = try await P.lockedAndOrdered(h, client)
                let id = try #require(payment["id"] as? String)
                _ = try await P.payerPays(h, tradeNo: try #require(payment["tradeNo"] as? String))  // never delivered
                #expect(try await h.services.paymentSweeper.pass().recovered == 0, "not overdue yet")
                h.clock.advance(by: 3 * 60)
                let pass = try await h.services.paymentSweeper.pass()
                #expect(pass.recovered == 1)
                #expect(try await P.payment(client, resident, id)["state"] as? String == "paid")
                let confirmed = try await client.call(.get, "/api/v1/bookings/\(booking)", token: resident.token)
                #expect(confirmed.object("booking")["state"] as? String == "confirmed")
            }
        }
    }

    @Test func anUnpaidOrderClosesWithItsLockAtWeChatPayAndHere() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (resident, _, payment) = try await P.lockedAndOrdered(h, client)
                let id = try #require(payment["id"] as? String)
                let tradeNo = try #require(payment["tradeNo"] as? String)
                h.clock.advance(by: 15 * 60 + 1)
                #expect(try await h.services.paymentSweeper.pass().closed == 1)
                let closed = try await P.payment(client, resident, id)
                #expect(closed["state"] as? String == "closed")
                #expect(closed["closedAt"] as? String != nil)
                let atChannel = try await h.sandboxJSON("GET", "/sandbox/wechatpay/orders/\(tradeNo)")
                #expect(atChannel["state"] as? String == "CLOSED", "\(atChannel)")
                #expect(try await h.services.paymentSweeper.pass().closed == 0, "closing is done once")
            }
        }
    }

    @Test func cancellingAPaidBookingRefundsTheFeeThroughWeChatPay() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (resident, booking, payment) = try await P.lockedAndOrdered(h, client, feeFen: 3000)
                let id = try #require(payment["id"] as? String)
                let notification = try await P.payerPays(h, tradeNo: try #require(payment["tradeNo"] as? String))
                #expect(try await P.deliver(client, headers: notification.headers, body: notification.body).status == 204)
                let cancelled = try await client.call(.post, "/api/v1/bookings/\(booking)/cancel", token: resident.token)
                #expect(cancelled.status == 200, "\(cancelled.body)")

                let pass = try await h.services.paymentSweeper.pass()
                #expect(pass.refundsAdopted == 1)
                let refunded = try await P.payment(client, resident, id)
                #expect(refunded["state"] as? String == "refunded", "\(refunded)")
                #expect(refunded["refundedFen"] as? Int == 3000)
                let refunds = refunded["refunds"] as? [[String: any Sendable]] ?? []
                #expect(refunds.map { $0["cause"] as? String } == ["cancellation"])
                #expect(refunds.first?["state"] as? String == "succeeded")
                #expect(try await h.services.bookingStore.refundRequest(bookingID: booking)?.state == "refunded")
                #expect(try await h.services.outbox.entries(subjectID: id).map(\.event) == ["payment.paid", "payment.refunded"])
                #expect(try await h.services.paymentSweeper.pass().refundsAdopted == 0, "one refund per cancellation")
            }
        }
    }

    @Test func aCashierRefundsInPartsAndNeverMoreThanWasPaid() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (resident, _, payment) = try await P.lockedAndOrdered(h, client, feeFen: 2500)
                let id = try #require(payment["id"] as? String)
                let notification = try await P.payerPays(h, tradeNo: try #require(payment["tradeNo"] as? String))
                #expect(try await P.deliver(client, headers: notification.headers, body: notification.body).status == 204)
                let cashier = try await CatalogKit.staff(h, client, role: "cashier")
                let operatorToken = try await CatalogKit.staff(h, client, role: "operator")
                func refund(_ token: String, _ fen: Int, key: String) async throws -> APIResult {
                    try await client.call(.post, "/api/v1/staff/payments/\(id)/refunds", token: token,
                                          json: #"{"amountFen":\#(fen),"reason":"多收费用退回"}"#,
                                          headers: [.init("Idempotency-Key")!: key])
                }
                #expect(try await refund(operatorToken, 100, key: "op").status == 403)
                #expect(try await client.call(.post, "/api/v1/staff/payments/\(id)/refunds", token: resident.token,
                                              json: #"{"amountFen":100,"reason":"x"}"#).status == 401)
                let first = try await refund(cashier, 1000, key: "r1")
                #expect(first.status == 201, "\(first.body)")
                #expect(first.object("payment")["state"] as? String == "partially_refunded")
                #expect(first.object("payment")["refundedFen"] as? Int == 1000)
                let replay = try await refund(cashier, 1000, key: "r1")
                #expect((replay.object("payment")["refunds"] as? [Any])?.count == 1, "the same key is the same refund")
                let tooMuch = try await refund(cashier, 1501, key: "r2")
                #expect(tooMuch.status == 422)
                #expect(tooMuch.errorCode == "refund_exceeds_paid")
                let rest = try await refund(cashier, 1500, key: "r3")
                #expect(rest.object("payment")["state"] as? String == "refunded")
                let more = try await refund(cashier, 1, key: "r4")
                #expect(more.status == 409)
                #expect(more.errorCode == "payment_not_refundable")
                let blank = try await client.call(.post, "/api/v1/staff/payments/\(id)/refunds", token: cashier,
                                                  json: #"{"amountFen":1,"reason":" "}"#)
                #expect(blank.errorCode == "refund_reason_invalid")
                let atChannel = try await h.sandboxJSON("GET", "/sandbox/wechatpay/orders/\(payment["tradeNo"] as? String ?? "")")
                let channelRefunds = atChannel["refunds"] as? [[String: Any]] ?? []
                #expect(channelRefunds.count == 2, "the channel refunded exactly twice: \(atChannel)")
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM audit_log WHERE action = 'refund.request'") == 2)
            }
        }
    }

    @Test func paymentsThatCannotBeTakenAreRefusedClearly() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 3, feeFen: 2500)])
            let freeClinic = try await F.clinic(h, department: "WAI", departmentName: "外科",
                                                segments: [.init(start: "08:30", end: "09:00", capacity: 3, feeFen: 0)])
            let other = try await F.clinic(h, hospital: "H0002", segments: [.init(start: "08:00", end: "08:30", capacity: 3, feeFen: 800)])
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let paidSlot = try #require(try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)
                #expect(try await P.pay(client, resident, booking: paidSlot).errorCode == "channel_not_available",
                        "no merchant set for the hospital yet")
                try await P.merchant(h, client)
                let free = try #require(try await resident.book(client, slot: freeClinic.slotIDs[0]).object("booking")["id"] as? String)
                let freeAnswer = try await P.pay(client, resident, booking: free)
                #expect(freeAnswer.status == 409)
                #expect(freeAnswer.errorCode == "booking_free")
                #expect(try await P.pay(client, resident, booking: paidSlot, channel: "bitcoin").errorCode == "channel_invalid")
                #expect(try await P.pay(client, resident, booking: "bkg_nope").status == 404)
                let stranger = try await Resident.register(h, client, phone: "13900139000", idNumber: TestIDNumber.make(birth: "19800101", male: true))
                #expect(try await P.pay(client, stranger, booking: paidSlot).errorCode == "booking_not_found")
                let elsewhere = try #require(try await resident.book(client, slot: other.slotIDs[0]).object("booking")["id"] as? String)
                #expect(try await P.pay(client, resident, booking: elsewhere).errorCode == "channel_not_available")
                let keyed = try await P.pay(client, resident, booking: paidSlot, key: "k1")
                #expect(keyed.status == 201)
                #expect(try await P.pay(client, resident, booking: elsewhere, key: "k1").errorCode == "idempotency_conflict")
                h.clock.advance(by: 16 * 60)
                let late = try await P.pay(client, resident, booking: paidSlot)
                #expect(late.status == 409)
                #expect(late.errorCode == "booking_not_payable")
            }
        }
    }
}
