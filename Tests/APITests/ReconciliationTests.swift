import Database
import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// A cashier's day: real WeChat Pay payments and a refund, the channel's bill downloaded from the
/// (sandbox) channel, an HIS settlement file with known differences; the three-way match finds
/// exactly those, the cashier resolves each with a note, exports them and closes the day.
@Suite struct ReconciliationTests {
    typealias F = AppointmentFixture
    typealias P = PaymentFixture

    /// A booking paid through WeChat Pay; returns the order.
    /// The reconciled day's first two clinics: 内科 at 08:00 for 2,500 fen and 外科 at 09:00 for
    /// 1,800 fen, nine places each.
    static func twoClinics(_ h: TestHarness) async throws -> (AppointmentFixture.Clinic, AppointmentFixture.Clinic) {
        (try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 9, feeFen: 2500)]),
         try await F.clinic(h, department: "WAI", departmentName: "外科",
                            segments: [.init(start: "09:00", end: "09:30", capacity: 9, feeFen: 1800)]))
    }

    static func paidOrder(_ h: TestHarness, _ client: any TestClientProtocol, _ resident: Resident, slot: String,
                          deliver: Bool = true) async throws -> [String: any Sendable] {
        let booked = try await resident.book(client, slot: slot)
        let booking = try #require(booked.object("booking")["id"] as? String, "\(booked.body)")
        let ordered = try await P.pay(client, resident, booking: booking)
        let order = ordered.object("payment")
        let notification = try await P.payerPays(h, tradeNo: try #require(order["tradeNo"] as? String))
        if deliver {
            #expect(try await P.deliver(client, headers: notification.headers, body: notification.body).status == 204)
        }
        return order
    }

    @Test func aCashierReconcilesADayFindsExactlyTheInjectedDifferencesResolvesThemAndClosesIt() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let day = "2026-11-30"
            let (clinic, other) = try await Self.twoClinics(h)
            let third = try await F.clinic(h, department: "ER", departmentName: "耳鼻喉科",
                                           segments: [.init(start: "10:00", end: "10:30", capacity: 9, feeFen: 3000)])
            let fourth = try await F.clinic(h, department: "YAN", departmentName: "眼科",
                                            segments: [.init(start: "10:00", end: "10:30", capacity: 9, feeFen: 1200)])
            try await h.test { client in
                try await P.merchant(h, client)
                let resident = try await Resident.register(h, client)
                let a = try await Self.paidOrder(h, client, resident, slot: clinic.slotIDs[0])
                let b = try await Self.paidOrder(h, client, resident, slot: other.slotIDs[0])
                let c = try await Self.paidOrder(h, client, resident, slot: third.slotIDs[0])
                // E: the payer paid but the notification was lost and nobody asked yet: 长款.
                let e = try await Self.paidOrder(h, client, resident, slot: fourth.slotIDs[0], deliver: false)
                var cashier = try await CatalogKit.staff(h, client, role: "cashier")
                let refunded = try await client.call(.post, "/api/v1/staff/payments/\(c["id"] as? String ?? "")/refunds", token: cashier,
                                                     json: #"{"amountFen":1000,"reason":"部分退费"}"#)
                #expect(refunded.object("payment")["refundedFen"] as? Int == 1000, "\(refunded.body)")
                let refundNo = try #require((refunded.object("payment")["refunds"] as? [[String: any Sendable]])?.first?["refundNo"] as? String)
                let merchants = try await client.call(.get, "/api/v1/staff/merchants?hospital=H0001", token: cashier)
                let merchant = try #require((merchants["merchants"] as? [[String: any Sendable]])?.first?["id"] as? String)
                let base = "/api/v1/staff/reconciliation/\(day)/\(merchant)"

                // The HIS settled A at a wrong amount, never got B, settled C and its refund, and has D nobody else has.
                let trade = { (o: [String: any Sendable]) in o["tradeNo"] as? String ?? "" }
                let his = """
                    his_serial,trade_no,refund_no,kind,amount_fen,settled_at,channel,merchant
                    H1,\(trade(a)),,payment,2400,\(day) 10:05:00,wechat,1900000001
                    H3,\(trade(c)),,payment,3000,\(day) 10:06:00,wechat,1900000001
                    H4,\(trade(c)),\(refundNo),refund,1000,\(day) 10:07:00,wechat,1900000001
                    H9,P20261130100000ZZZZZZZZ,,payment,990,\(day) 11:00:00,wechat,1900000001
                    TOTAL,4,6390,1000
                    """
                let early = try await client.call(.post, "\(base)/run", token: cashier)
                #expect(early.errorCode == "his_file_missing")
                let bad = try await client.execute(uri: "\(base)/files/his", method: .put, headers: [.authorization: "Bearer \(cashier)"],
                                                   body: ByteBuffer(string: his.replacingOccurrences(of: "TOTAL,4,6390", with: "TOTAL,4,6391"))) { $0 }
                #expect(bad.status == .unprocessableContent, "totals that do not add up are refused")
                let uploaded = try await client.execute(uri: "\(base)/files/his", method: .put, headers: [.authorization: "Bearer \(cashier)"],
                                                        body: ByteBuffer(string: his)) { $0 }
                #expect(uploaded.status == .ok)

                // T+1: WeChat Pay's bill is ready after 10:00 the next day; the run downloads it.
                h.clock.set(F.at(day: "2026-12-01", "10:30"))
                cashier = try await CatalogKit.staff(h, client, role: "cashier")  // a new shift, a new login
                let run = try await client.call(.post, "\(base)/run", token: cashier)
                #expect(run.status == 200, "\(run.body)")
                #expect(run["found"] as? Int == 4)
                let found = try await client.call(.get, "\(base)/differences", token: cashier)
                let differences = found["differences"] as? [[String: any Sendable]] ?? []
                let kinds = Dictionary(uniqueKeysWithValues: differences.map { ($0["tradeNo"] as? String ?? "", $0["kind"] as? String ?? "") })
                #expect(kinds == [trade(a): "amount_mismatch", trade(b): "his_missing", trade(e): "channel_only",
                                  "P20261130100000ZZZZZZZZ": "his_only"], "\(differences)")
                #expect(differences.first { $0["kind"] as? String == "channel_only" }?["kindName"] as? String == "长款")
                let summary = try await client.call(.get, base, token: cashier)
                #expect(summary["openDifferences"] as? Int == 4)
                #expect(((summary["summary"] as? [String: any Sendable])?["matched"] as? Int ?? 0) >= 2, "C and its refund match")

                // A second run changes nothing it already knew.
                let again = try await client.call(.post, "\(base)/run", token: cashier)
                #expect(again["new"] as? Int == 0)
                #expect(again["stillOpen"] as? Int == 4)

                let csv = try await client.execute(uri: "\(base)/differences?format=csv", method: .get,
                                                   headers: [.authorization: "Bearer \(cashier)"]) { String(buffer: $0.body) }
                #expect(csv.split(separator: "\r\n").count == 5)
                #expect(csv.contains("长款"))

                #expect(try await client.call(.post, "\(base)/close", token: cashier).errorCode == "differences_open")
                for difference in differences {
                    let id = difference["id"] as? String ?? ""
                    let missingNote = try await client.call(.post, "\(base)/differences/\(id)/resolve", token: cashier,
                                                            json: #"{"action":"write_off","note":" "}"#)
                    #expect(missingNote.errorCode == "note_invalid")
                    let resolved = try await client.call(.post, "\(base)/differences/\(id)/resolve", token: cashier,
                                                         json: #"{"action":"\#(difference["proposedAction"] as? String ?? "")","note":"已核实处理"}"#)
                    #expect(resolved.object("difference")["state"] as? String == "resolved", "\(resolved.body)")
                }
                let rerun = try await client.call(.post, "\(base)/run", token: cashier)
                #expect(rerun["resolvedKept"] as? Int == 4, "a re-run keeps the cashier's resolutions")
                let closed = try await client.call(.post, "\(base)/close", token: cashier)
                #expect(closed["state"] as? String == "closed", "\(closed.body)")
                #expect(try await client.call(.post, "\(base)/run", token: cashier).errorCode == "day_closed")
                let late = try await client.execute(uri: "\(base)/files/his", method: .put, headers: [.authorization: "Bearer \(cashier)"],
                                                    body: ByteBuffer(string: his)) { $0 }
                #expect(late.status == .conflict)
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM audit_log WHERE action = 'reconciliation.resolve'") == 4)
                let days = try await client.call(.get, "/api/v1/staff/reconciliation/summary?from=2026-11-01&to=2026-11-30", token: cashier)
                #expect((days["days"] as? [[String: any Sendable]])?.first?["state"] as? String == "closed")

                let operatorToken = try await CatalogKit.staff(h, client, role: "operator")
                #expect(try await client.call(.get, base, token: operatorToken).status == 403)
            }
        }
    }
}
