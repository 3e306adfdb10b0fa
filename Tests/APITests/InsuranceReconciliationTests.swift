import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// 医保对明细账 through the cashier's flow: the insurance merchant's day takes the centre's daily
/// detail through the adapter, matches it with Huimin's settled splits part by part, finds exactly
/// the differences the sandbox centre was told to make, and is resolved, exported and closed.
@Suite struct InsuranceReconciliationTests {
    typealias B = BillingFixture

    /// A bill paid with insurance, settled by the centre and posted to the HIS; returns its split.
    static func settledInsuranceBill(_ h: TestHarness, _ client: any TestClientProtocol) async throws -> [String: any Sendable] {
        let (resident, bill, payAuthNo) = try await InsuranceBillTests.insuredWithBill(h, client)
        let ordered = try await B.payBill(client, resident, """
            {"businessType":"clinic_bill","billId":"\(bill["id"] as? String ?? "")","channel":"wechat","insurance":{"payAuthNo":"\(payAuthNo)"}}
            """)
        let payment = ordered.object("payment")
        let split = try #require(payment["insurance"] as? [String: any Sendable], "\(ordered.body)")
        try await B.paid(h, client, payment)
        let settled = try await h.sandboxJSON("POST", "/sandbox/insurance/orders/\(split["payOrderId"] as? String ?? "")/settle")
        h.clock.advance(by: 31)
        #expect(try await h.services.paymentSweeper.pass().postedToHIS == 1)
        var out = split
        out["setlId"] = settled["setlId"] as? String
        out["tradeNo"] = payment["tradeNo"] as? String
        return out
    }

    @Test func aCashierReconcilesTheInsurancePartsAgainstTheCentresDetail() async throws {
        try await TestHarness.with { h in
            // A fixed 10:00 Beijing: on the wall clock a run near midnight settled on one business
            // day and reconciled the next.
            h.clock.set(AppointmentFixture.dayBefore10am)
            try await h.test { client in
                let split = try await Self.settledInsuranceBill(h, client)
                let setl = try #require(split["setlId"] as? String)
                let day = BusinessCalendar.day(of: h.clock.now())
                let cashier = try await CatalogKit.staff(h, client, role: "cashier")
                let merchants = try await client.call(.get, "/api/v1/staff/merchants?hospital=H0001", token: cashier)
                let merchant = try #require((merchants["merchants"] as? [[String: any Sendable]])?
                    .first { $0["channel"] as? String == "insurance" }?["id"] as? String, "\(merchants.body)")
                let base = "/api/v1/staff/reconciliation/\(day)/\(merchant)"

                // As it is: the centre's detail (fetched on the run) matches Huimin's split, part by part.
                let clean = try await client.call(.post, "\(base)/run", token: cashier)
                #expect(clean.status == 200, "\(clean.body)")
                #expect(clean["found"] as? Int == 0)
                let summary = try #require((clean["day"] as? [String: any Sendable])?["summary"] as? [String: any Sendable])
                let insurance = try #require(summary["insurance"] as? [String: any Sendable])
                #expect((insurance["centre"] as? [String: any Sendable])?["fundFen"] as? Int == 2485)
                #expect((insurance["huimin"] as? [String: any Sendable])?["accountFen"] as? Int == 500)
                #expect((insurance["huimin"] as? [String: any Sendable])?["cashFen"] as? Int == 565)
                #expect(summary["matched"] as? Int == 1)

                // The centre now states the account part 0.01 higher and a settlement Huimin never made.
                _ = try await h.sandboxJSON("POST", "/sandbox/insurance/statement-differences",
                                            body: #"{"kind":"alter","setl_id":"\#(setl)","part":"account","delta_fen":1}"#)
                let extra = try await h.sandboxJSON("POST", "/sandbox/insurance/statement-differences", body: #"{"kind":"extra"}"#)
                let extraID = try #require(extra["setl_id"] as? String)
                let fetched = try await client.call(.post, "\(base)/files/channel/fetch", token: cashier)
                #expect((fetched["lastUpload"] as? [String: any Sendable])?["lines"] as? Int == 2, "\(fetched.body)")
                let run = try await client.call(.post, "\(base)/run", token: cashier)
                #expect(run["found"] as? Int == 2, "\(run.body)")
                let differences = try await client.call(.get, "\(base)/differences", token: cashier)["differences"] as? [[String: any Sendable]] ?? []
                let seen = Set(differences.map { "\($0["kind"] as? String ?? "")|\($0["settlementId"] as? String ?? "")|\($0["part"] as? String ?? "")" })
                #expect(seen == ["amount_mismatch|\(setl)|account", "channel_only|\(extraID)|"], "\(differences)")
                let mismatch = try #require(differences.first { $0["kind"] as? String == "amount_mismatch" })
                #expect(mismatch["huiminFen"] as? Int == 500 && mismatch["channelFen"] as? Int == 501)
                #expect(mismatch["tradeNo"] as? String == split["tradeNo"] as? String)

                // A file a cashier uploads is read the same way; a malformed one is refused and not kept.
                let bad = try await client.execute(uri: "\(base)/files/channel", method: .put, headers: [.authorization: "Bearer \(cashier)"],
                                                   body: ByteBuffer(string: "setl_id\tmedfee_sumamt\nS1\t1.00\n")) { $0 }
                #expect(bad.status == .badRequest)

                let csv = try await client.execute(uri: "\(base)/differences?format=csv", method: .get,
                                                   headers: [.authorization: "Bearer \(cashier)"]) { String(buffer: $0.body) }
                #expect(csv.contains("settlement_id,part") && csv.contains(",\(setl),account,"))
                for difference in differences {
                    let resolved = try await client.call(.post, "\(base)/differences/\(difference["id"] as? String ?? "")/resolve", token: cashier,
                                                         json: #"{"action":"investigate","note":"已与医保中心核对"}"#)
                    #expect(resolved.object("difference")["state"] as? String == "resolved", "\(resolved.body)")
                }
                let closed = try await client.call(.post, "\(base)/close", token: cashier)
                #expect(closed["state"] as? String == "closed", "\(closed.body)")
                // The sandbox answers 204 with no body: nothing to decode.
                _ = try? await h.sandboxJSON("DELETE", "/sandbox/insurance/statement-differences")
            }
        }
    }
}
