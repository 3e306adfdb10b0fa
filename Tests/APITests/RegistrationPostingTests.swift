import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// Registration fees (挂号费) are the hospital's income: booked in its HIS as they are paid, under
/// the patient's record there, with a cancellation's refund following, so the HIS's own
/// settlement file agrees with the channel and Huimin.
@Suite struct RegistrationPostingTests {
    typealias F = AppointmentFixture
    typealias P = PaymentFixture
    typealias B = BillingFixture

    static func settlements(_ h: TestHarness) async throws -> [[String: Any]] {
        try await h.sandboxJSON("GET", "/sandbox/his/settlements?hospital=H0001")["settlements"] as? [[String: Any]] ?? []
    }

    @Test("A paid fee is booked in the HIS under a record made there (建档) for a first-time patient; the cancellation's refund follows; the HIS's file then reconciles with nothing reported")
    func aFirstVisitIsBookedInTheHIS() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let day = "2026-11-30"
            let (clinic, other) = try await ReconciliationTests.twoClinics(h)
            try await h.test { client in
                try await P.merchant(h, client)
                let resident = try await Resident.register(h, client)
                let cardsURL = "/api/v1/family-members/\(resident.selfMemberID)/patient-cards"
                #expect((try await client.call(.get, cardsURL, token: resident.token)["cards"] as? [Any])?.isEmpty == true,
                        "no record at the hospital yet")

                let kept = try await ReconciliationTests.paidOrder(h, client, resident, slot: clinic.slotIDs[0])
                let keptID = try #require(kept["id"] as? String)
                let shown = try await P.payment(client, resident, keptID)
                let his = try #require(shown["his"] as? [String: any Sendable], "\(shown)")
                #expect(his["state"] as? String == "posted", "booked as the money arrived")
                #expect((his["receiptNo"] as? String)?.isEmpty == false)

                let cards = try await client.call(.get, cardsURL, token: resident.token)["cards"] as? [[String: any Sendable]] ?? []
                #expect(cards.map { $0["hospitalCode"] as? String } == ["H0001"], "the record the HIS made is the resident's card now")
                let patientID = try #require(cards.first?["patientId"] as? String)
                var lines = try await Self.settlements(h)
                let fee = try #require(lines.first { $0["trade_no"] as? String == kept["tradeNo"] as? String }, "\(lines)")
                #expect(fee["business_type"] as? String == "registration")
                #expect(fee["patient_id"] as? String == patientID)
                #expect(fee["amount_fen"] as? Int == 2500)

                // A second booking, paid then cancelled: the refund is booked against the same record.
                let dropped = try await ReconciliationTests.paidOrder(h, client, resident, slot: other.slotIDs[0])
                let droppedBooking = try #require(dropped["businessRef"] as? String, "\(dropped)")
                let cancelled = try await client.call(.post, "/api/v1/bookings/\(droppedBooking)/cancel", token: resident.token)
                #expect(cancelled.status == 200, "\(cancelled.body)")
                let pass = try await h.services.paymentSweeper.pass()
                #expect(pass.refundsAdopted == 1 && pass.postedToHIS == 0, "the payment was booked at once, not by the sweeper")
                _ = try await h.services.paymentSweeper.pass()
                lines = try await Self.settlements(h)
                let droppedLines = lines.filter { $0["trade_no"] as? String == dropped["tradeNo"] as? String }
                #expect(droppedLines.compactMap { $0["kind"] as? String }.sorted() == ["payment", "refund"], "\(droppedLines)")
                #expect(droppedLines.allSatisfy { ($0["patient_id"] as? String) == patientID && ($0["amount_fen"] as? Int) == 1800 })
                #expect(lines.count == 3, "one record, three lines: nothing booked twice")

                // T+1: the cashier takes the HIS's file through its adapter and the channel's bill; all agree.
                h.clock.set(F.at(day: "2026-12-01", "10:30"))
                let cashier = try await CatalogKit.staff(h, client, role: "cashier")
                let merchant = try #require(try await h.services.paymentStore.allMerchants().first?.id)
                let base = "/api/v1/staff/reconciliation/\(day)/\(merchant)"
                let fetched = try await client.call(.post, "\(base)/files/his/fetch", token: cashier)
                #expect(fetched.status == 200, "\(fetched.body)")
                let run = try await client.call(.post, "\(base)/run", token: cashier)
                #expect(run.status == 200, "\(run.body)")
                let differences = try await client.call(.get, "\(base)/differences", token: cashier)["differences"] as? [[String: any Sendable]]
                #expect(differences?.isEmpty == true, "\(differences ?? [])")
            }
        }
    }

    @Test("A patient who holds the hospital's card is booked under it; a HIS that is down is asked again by the sweeper")
    func aCardHolderIsBookedUnderTheirCard() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 9, feeFen: 2500)])
            try await h.test { client in
                let (resident, _) = try await B.cardHolder(h, client)
                let booked = try await resident.book(client, slot: clinic.slotIDs[0])
                let booking = try #require(booked.object("booking")["id"] as? String, "\(booked.body)")
                let order = try await P.pay(client, resident, booking: booking).object("payment")
                let tradeNo = try #require(order["tradeNo"] as? String)
                let notification = try await P.payerPays(h, tradeNo: tradeNo)
                _ = try await h.sandboxJSON("POST", "/sandbox/faults", body: #"{"service":"his","kind":"error","times":1}"#)
                #expect(try await P.deliver(client, headers: notification.headers, body: notification.body).status == 204,
                        "the payment is taken whatever the HIS says")
                let id = try #require(order["id"] as? String)
                let waiting = try await P.payment(client, resident, id)
                #expect(waiting["state"] as? String == "paid")
                #expect((waiting["his"] as? [String: any Sendable])?["state"] as? String == "pending", "\(waiting)")
                #expect(try await Self.settlements(h).isEmpty)

                h.clock.advance(by: 3600)
                #expect(try await h.services.paymentSweeper.pass().postedToHIS == 1)
                let lines = try await Self.settlements(h)
                #expect(lines.count == 1 && lines.first?["patient_id"] as? String == B.patientID, "\(lines)")
                #expect(lines.first?["business_ref"] as? String == booking)
            }
        }
    }

    @Test("A refund the HIS will not book is on the cashier's list of refused postings, with the HIS's reason")
    func aRefusedRefundIsListedForTheCashier() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 9, feeFen: 2500)])
            try await h.test { client in
                let (resident, _) = try await B.cardHolder(h, client)
                let order = try await ReconciliationTests.paidOrder(h, client, resident, slot: clinic.slotIDs[0])
                let booking = try #require(order["businessRef"] as? String)
                #expect(try await client.call(.post, "/api/v1/bookings/\(booking)/cancel", token: resident.token).status == 200)
                #expect(try await h.services.paymentSweeper.pass().refundsSent == 1)
                _ = try await h.sandboxJSON("POST", "/sandbox/faults", body: #"{"service":"his","kind":"error","errorCode":"2201","times":1}"#)
                _ = try await h.services.paymentSweeper.pass()

                let cashier = try await CatalogKit.staff(h, client, role: "cashier")
                let refused = try await client.call(.get, "/api/v1/staff/his-postings?state=refused", token: cashier)
                let items = refused["postings"] as? [[String: any Sendable]] ?? []
                #expect(items.count == 1, "\(refused.body)")
                let item = try #require(items.first)
                #expect(item["kind"] as? String == "refund")
                #expect(item["paymentId"] as? String == order["id"] as? String)
                #expect((item["refundNo"] as? String)?.isEmpty == false)
                #expect(item["refundFen"] as? Int == 2500)
                #expect(item["lastError"] as? String == "his_refund_exceeds")
                let posted = try await client.call(.get, "/api/v1/staff/his-postings?state=posted", token: cashier)
                #expect((posted["postings"] as? [[String: any Sendable]])?.map { $0["kind"] as? String } == ["payment"],
                        "the fee itself was booked")
                #expect((try await client.call(.get, "/api/v1/staff/his-postings", token: cashier)["postings"] as? [Any])?.isEmpty == true,
                        "a refusal is not retried")

                // The console shows the cashier the same list, to settle at the window.
                let name = try await ConsoleTests.staff(h, role: "cashier")
                var browser = try await ConsoleTests.Browser.signIn(client, name).browser
                let home = try await browser.get(client, "/console")
                #expect(home.html.contains(#"href="/console/his-postings""#))
                let page = try await browser.get(client, "/console/his-postings?state=refused")
                #expect(page.status == 200)
                let rows = page.html.matches(of: /<tr class="posting" data-kind="([a-z]+)" data-state="([a-z]+)">/)
                #expect(rows.map { "\($0.1)/\($0.2)" } == ["refund/refused"], "\(page.html.suffix(2000))")
                #expect(page.html.contains("his_refund_exceeds") && page.html.contains("25.00") && page.html.contains("挂号 Registration"))
                #expect(try await browser.get(client, "/console/his-postings").html.contains("没有记录 Nothing here"))
                var ops = try await ConsoleTests.Browser.signIn(client, try await ConsoleTests.staff(h, role: "operator")).browser
                #expect(try await ops.get(client, "/console/his-postings").status == 403)
            }
        }
    }
}
