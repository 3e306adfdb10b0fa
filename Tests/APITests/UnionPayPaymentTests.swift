import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// Paying through UnionPay (银联全渠道): a consume whose `tn` opens the UnionPay control, the signed
/// backUrl notification, refunds (退货) that finish later, and the sweeper's query.
@Suite struct UnionPayPaymentTests {
    typealias F = AppointmentFixture
    typealias P = PaymentFixture

    /// Any resident may pay through UnionPay (its control takes any card holder).
    static func ordered(_ h: TestHarness, _ client: any TestClientProtocol, feeFen: Int64 = 2200)
        async throws -> (resident: Resident, booking: String, payment: [String: any Sendable]) {
        let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 3, feeFen: feeFen)])
        try await P.merchant(h, client, channel: "unionpay")
        let resident = try await Resident.register(h, client)
        let booked = try await resident.book(client, slot: clinic.slotIDs[0])
        let booking = try #require(booked.object("booking")["id"] as? String)
        let ordered = try await P.pay(client, resident, booking: booking, key: "up-\(booking)", channel: "unionpay")
        #expect(ordered.status == 201, "\(ordered.body)")
        #expect((ordered.object("requestPayment")["tn"] as? String)?.isEmpty == false, "the UnionPay control opens with tn")
        return (resident, booking, ordered.object("payment"))
    }

    static func deliver(_ client: any TestClientProtocol, body: String) async throws -> (status: Int, text: String) {
        try await client.execute(uri: "/notify/v1/unionpay", method: .post,
                                 headers: [.contentType: "application/x-www-form-urlencoded; charset=utf-8"],
                                 body: ByteBuffer(string: body)) { response in
            (Int(response.status.code), String(buffer: response.body))
        }
    }

    @Test func aFeePaidThroughUnionPayIsTakenOnceFromItsSignedNotification() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (resident, booking, payment) = try await Self.ordered(h, client)
                let id = try #require(payment["id"] as? String)
                let tradeNo = try #require(payment["tradeNo"] as? String)
                let paid = try await h.sandboxJSON("POST", "/sandbox/unionpay/pay", body: #"{"orderId":"\#(tradeNo)"}"#)
                let form = try #require((paid["notification"] as? [String: Any])?["body"] as? String, "\(paid)")

                let altered = try await Self.deliver(client, body: form.replacingOccurrences(of: "txnAmt=2200", with: "txnAmt=1"))
                #expect(altered.status == 401)
                #expect(try await P.payment(client, resident, id)["state"] as? String == "paying")

                #expect(try await Self.deliver(client, body: form).status == 200)
                let taken = try await P.payment(client, resident, id)
                #expect(taken["state"] as? String == "paid")
                #expect(taken["paidFen"] as? Int == 2200)
                let confirmed = try await client.call(.get, "/api/v1/bookings/\(booking)", token: resident.token)
                #expect(confirmed.object("booking")["state"] as? String == "confirmed")
                let audits = try await CatalogKit.count(h, "SELECT COUNT(*) FROM audit_log")
                #expect(try await Self.deliver(client, body: form).status == 200, "UnionPay sends again until 200; taken once")
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM audit_log") == audits)
            }
        }
    }

    @Test func aLostUnionPayNotificationIsFoundAndARefundFinishesLater() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (resident, _, payment) = try await Self.ordered(h, client)
                let id = try #require(payment["id"] as? String)
                _ = try await h.sandboxJSON("POST", "/sandbox/unionpay/pay", body: #"{"orderId":"\#(payment["tradeNo"] as? String ?? "")"}"#)
                h.clock.advance(by: 3 * 60)
                #expect(try await h.services.paymentSweeper.pass().recovered == 1)
                #expect(try await P.payment(client, resident, id)["state"] as? String == "paid")

                let cashier = try await CatalogKit.staff(h, client, role: "cashier")
                let refunded = try await client.call(.post, "/api/v1/staff/payments/\(id)/refunds", token: cashier,
                                                     json: #"{"amountFen":700,"reason":"多收费用退回"}"#)
                #expect(refunded.status == 201, "\(refunded.body)")
                let asked = refunded.object("payment")
                // Accepted by UnionPay; whether it is already done when the answer comes is UnionPay's timing.
                #expect((asked["refundingFen"] as? Int ?? 0) + (asked["refundedFen"] as? Int ?? 0) == 700)
                h.clock.advance(by: 61)
                _ = try await h.services.paymentSweeper.pass()
                let done = try await P.payment(client, resident, id)
                #expect(done["state"] as? String == "partially_refunded", "\(done)")
                #expect(done["refundedFen"] as? Int == 700)
                #expect((done["refunds"] as? [[String: any Sendable]])?.first?["state"] as? String == "succeeded")
            }
        }
    }
}
