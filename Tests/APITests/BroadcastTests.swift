import Database
import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Notices
import Testing

/// `/api/v1/staff/broadcasts` (群发): checked against the event catalog, saved once per
/// Idempotency-Key, expanded into one outbox row per account in batches that survive a crash.
@Suite struct BroadcastTests {
    typealias M = MessagingKit
    typealias K = CatalogKit

    static let cardBound = #""event":"card.bound","payload":{"hospitalCode":"H0001","cardNo":"5678"}"#
    static func key(_ value: String) -> HTTPFields { [.init("Idempotency-Key")!: value] }

    /// `count` accounts written straight in, IDs `acc_bulk_000001`… so they sort after real ones.
    static func accounts(_ h: TestHarness, count: Int, prefix: String = "acc_bulk_") async throws {
        let now = h.clock.now()
        try await h.services.database.pool.write { db in
            let insert = try db.makeStatement(sql: """
                INSERT INTO account (id, channel, app_id, channel_user_id, created_at, last_login_at) VALUES (?, 'wechat', 'wx_app', ?, ?, ?)
                """)
            for n in 0..<count {
                let id = prefix + String(format: "%06d", n)
                try insert.execute(arguments: [id, "o_" + id, now, now])
            }
        }
    }

    static func outboxRows(_ h: TestHarness, broadcast: String) async throws -> [[String: String]] {
        try await M.rows(h, "SELECT * FROM outbox WHERE subject_id = ? ORDER BY account_id", [broadcast])
    }

    @Test func aBroadcastToAllReachesEveryAccountOnce() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let account = try await M.accountID(client, token: resident.token)
                try await Self.accounts(h, count: 2_345)
                let op = try await K.staff(h, client, role: "operator")
                let created = try await client.call(.post, "/api/v1/staff/broadcasts", token: op,
                                                    json: #"{\#(Self.cardBound),"audience":{"kind":"all"}}"#)
                #expect(created.status == 201, "\(created.body)")
                let id = try #require(created.object("broadcast")["id"] as? String)
                #expect(created.object("broadcast")["status"] as? String == "expanding")
                #expect(created.object("broadcast")["urgent"] as? Int == 0, "card.bound is not urgent")
                _ = try await h.services.messaging.broadcastExpander.pass()

                let rows = try await Self.outboxRows(h, broadcast: id)
                #expect(rows.count == 2_346)
                #expect(Set(rows.map { $0["account_id"]! }).count == 2_346)
                let own = try #require(rows.first { $0["account_id"] == account })
                #expect(own["person_id"] == (try await M.personID(h, member: resident.selfMemberID)), "the account's self member")
                #expect(own["dedupe_key"] == "broadcast:\(id):\(account)")
                #expect(own["subject_kind"] == "broadcast")
                #expect(own["event"] == "card.bound")
                #expect(own["payload"] == #"{"cardNo":"5678","hospitalCode":"H0001"}"#)
                #expect(rows.filter { $0["person_id"] == nil }.count == 2_345)

                // The dispatcher takes two in; the view counts them from `message`.
                for row in rows.prefix(2) {
                    try await M.message(h, account: row["account_id"], person: nil, event: "card.bound", status: "sent", at: h.clock.now(),
                                        subject: id)
                }
                let shown = try await client.call(.get, "/api/v1/staff/broadcasts/\(id)", token: op)
                #expect(shown.status == 200, "\(shown.body)")
                let broadcast = shown.object("broadcast")
                #expect(broadcast["status"] as? String == "queued")
                #expect(broadcast["recipients"] as? Int == 2_346)
                #expect((broadcast["messages"] as? [String: any Sendable])?["sent"] as? Int == 2)
                #expect(broadcast["awaitingDispatch"] as? Int == 2_344)
                #expect(try await M.audits(h, action: "broadcast.create").count == 1)
            }
        }
    }

    @Test func anInterruptedExpansionGoesOnFromItsCursor() async throws {
        try await TestHarness.with { h in
            try await Self.accounts(h, count: 2_500)
            let request = try JSONDecoder().decode(BroadcastService.Request.self,
                                                   from: Data(#"{\#(Self.cardBound),"audience":{"kind":"all"}}"#.utf8))
            let (view, _) = try await h.services.messaging.broadcasts.create(request, idempotencyKey: nil, actor: .staff("stf_test"))
            let store = BroadcastStore(database: h.services.database)
            // One batch commits, then the process dies: the cursor stands at the batch's last account.
            let first = try #require(try await store.expandBatch(id: view.id, batchSize: 1_000, now: h.clock.now()))
            #expect(first.recipients == 1_000)
            #expect(first.cursor == "acc_bulk_000999")
            #expect(first.status == "expanding")
            // A restarted process finds it still expanding and finishes it.
            #expect(try await store.expanding() == [view.id])
            let expander = BroadcastExpander(store: store, clock: h.clock, logger: h.logs.logger(label: "test"), batchSize: 1_000)
            #expect(try await expander.pass() == 1_500)
            #expect(try await expander.pass() == 0)
            let rows = try await Self.outboxRows(h, broadcast: view.id)
            #expect(rows.count == 2_500)
            #expect(Set(rows.map { $0["account_id"]! }).count == 2_500)
            let done = try #require(try await store.broadcast(id: view.id))
            #expect(done.status == "queued")
            #expect(done.recipients == 2_500)
            #expect(done.expandedAt != nil)
            // A batch run again after the end (a second worker that was mid-pass) writes nothing.
            #expect(try await store.expandBatch(id: view.id, batchSize: 1_000, now: h.clock.now())?.recipients == 2_500)
            #expect(try await Self.outboxRows(h, broadcast: view.id).count == 2_500)
        }
    }

    @Test func aHospitalAudienceIsWhoeverHasACardOrABookingThere() async throws {
        try await TestHarness.with { h in
            h.clock.set(AppointmentFixture.dayBefore10am)
            let clinic = try await AppointmentFixture.clinic(h)
            try await h.test { client in
                let booker = try await Resident.register(h, client)
                let booked = try await booker.book(client, slot: clinic.slotIDs[0])
                #expect(booked.status == 201, "\(booked.body)")
                let holder = try await Resident.register(h, client, phone: "13900139000", idNumber: "440524188001010014", name: "测试乙")
                let holderPerson = try await M.personID(h, member: holder.selfMemberID)
                try await h.services.database.pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO patient_card (person_id, hospital_code, patient_id, card_number, bound_at) VALUES (?, 'H0001', 'P1', 'C1', ?)
                        """, arguments: [holderPerson, h.clock.now()])
                }
                _ = try await Resident.login(h, client)  // an account with nothing at the hospital
                let admin = try await K.staff(h, client, role: "admin")
                let created = try await client.call(.post, "/api/v1/staff/broadcasts", token: admin,
                                                    json: #"{\#(Self.cardBound),"audience":{"kind":"hospital","hospitalCode":"H0001"}}"#)
                #expect(created.status == 201, "\(created.body)")
                let id = try #require(created.object("broadcast")["id"] as? String)
                _ = try await h.services.messaging.broadcastExpander.pass()
                let accounts = Set(try await Self.outboxRows(h, broadcast: id).map { $0["account_id"]! })
                #expect(accounts == [try await M.accountID(client, token: booker.token), try await M.accountID(client, token: holder.token)])

                let unknown = try await client.call(.post, "/api/v1/staff/broadcasts", token: admin,
                                                    json: #"{\#(Self.cardBound),"audience":{"kind":"hospital","hospitalCode":"NOPE"}}"#)
                #expect(unknown.status == 404)
                #expect(unknown.errorCode == "hospital_not_found")
            }
        }
    }

    @Test func anIdempotencyKeyReturnsTheFirstBroadcast() async throws {
        try await TestHarness.with { h in
            try await Self.accounts(h, count: 3)
            try await h.test { client in
                let admin = try await K.staff(h, client, role: "admin")
                let body = #"{\#(Self.cardBound),"audience":{"kind":"accounts","accountIds":["acc_bulk_000001","acc_bulk_000000","acc_bulk_000001"]}}"#
                let first = try await client.call(.post, "/api/v1/staff/broadcasts", token: admin, json: body,
                                                  headers: Self.key("notice-42"))
                #expect(first.status == 201, "\(first.body)")
                let again = try await client.call(.post, "/api/v1/staff/broadcasts", token: admin, json: body,
                                                  headers: Self.key("notice-42"))
                #expect(again.status == 200)
                #expect(again.object("broadcast")["id"] as? String == first.object("broadcast")["id"] as? String)
                #expect(try await K.count(h, "SELECT COUNT(*) FROM broadcast") == 1)
                let audience = first.object("broadcast")["audience"] as? [String: any Sendable]
                #expect(M.strings(audience?["accountIds"]) == ["acc_bulk_000000", "acc_bulk_000001"])

                let different = try await client.call(.post, "/api/v1/staff/broadcasts", token: admin,
                                                      json: body.replacingOccurrences(of: "5678", with: "1234"),
                                                      headers: Self.key("notice-42"))
                #expect(different.status == 409)
                #expect(different.errorCode == "idempotency_conflict")
                let long = try await client.call(.post, "/api/v1/staff/broadcasts", token: admin, json: body,
                                                 headers: Self.key(String(repeating: "k", count: 65)))
                #expect(long.status == 400)
                #expect(long.errorCode == "idempotency_key_invalid")

                _ = try await h.services.messaging.broadcastExpander.pass()
                let id = try #require(first.object("broadcast")["id"] as? String)
                #expect(try await Self.outboxRows(h, broadcast: id).count == 2)
            }
        }
    }

    @Test func badBroadcastsHaveTheirCodes() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let admin = try await K.staff(h, client, role: "admin")
                let all = #""audience":{"kind":"all"}"#
                let cases: [(String, Int, String)] = [
                    (#"{"event":"nope","payload":{},\#(all)}"#, 422, "broadcast_event_unknown"),
                    (#"{"event":"card.bound","payload":{"hospitalCode":"H0001"},\#(all)}"#, 422, "template_variable_missing"),
                    (#"{"event":"card.bound","payload":{"hospitalCode":"H0001","cardNo":"1","idNumber":"x"},\#(all)}"#, 422,
                     "template_variable_unknown"),
                    (#"{"event":"card.bound","payload":{"hospitalCode":"H0001","cardNo":"1","patientName":"张三"},\#(all)}"#, 422,
                     "broadcast_payload_invalid"),
                    (#"{"event":"payment.due","payload":{"hospitalCode":"H1","billNo":"B1","department":"内科","amountFen":"12元","billedAt":"2026-11-30T01:15:00.000Z"},\#(all)}"#,
                     422, "template_value_invalid"),
                    (#"{\#(Self.cardBound),"audience":{"kind":"everyone"}}"#, 400, "broadcast_audience_invalid"),
                    (#"{\#(Self.cardBound),"audience":{"kind":"accounts","accountIds":[]}}"#, 400, "broadcast_audience_invalid"),
                    (#"{\#(Self.cardBound),"audience":{"kind":"accounts","accountIds":["acc_missing"]}}"#, 400, "broadcast_audience_invalid"),
                    (#"{\#(Self.cardBound),"audience":{"kind":"hospital"}}"#, 400, "broadcast_audience_invalid"),
                    (#"{"event":"card.bound"}"#, 400, "invalid_json"),
                ]
                for (body, status, code) in cases {
                    let result = try await client.call(.post, "/api/v1/staff/broadcasts", token: admin, json: body)
                    #expect(result.status == status, "\(body): \(result.body)")
                    #expect(result.errorCode == code, "\(body)")
                }
                #expect(try await K.count(h, "SELECT COUNT(*) FROM broadcast") == 0)

                let cashier = try await K.staff(h, client, role: "cashier")
                let forbidden = try await client.call(.post, "/api/v1/staff/broadcasts", token: cashier,
                                                      json: #"{\#(Self.cardBound),\#(all)}"#)
                #expect(forbidden.status == 403)
                #expect(forbidden.errorCode == "role_forbidden")
                let missing = try await client.call(.get, "/api/v1/staff/broadcasts/brd_nope", token: admin)
                #expect(missing.status == 404)
                #expect(missing.errorCode == "broadcast_not_found")
            }
        }
    }

    /// `HUIMIN_BENCH_BROADCAST=100000 swift test --skip-build --filter BroadcastTests/expansionBenchmark`
    @Test(.enabled(if: ProcessInfo.processInfo.environment["HUIMIN_BENCH_BROADCAST"] != nil))
    func expansionBenchmark() async throws {
        let count = Int(ProcessInfo.processInfo.environment["HUIMIN_BENCH_BROADCAST"] ?? "") ?? 100_000
        try await TestHarness.with { h in
            try await Self.accounts(h, count: count)
            let request = try JSONDecoder().decode(BroadcastService.Request.self,
                                                   from: Data(#"{\#(Self.cardBound),"audience":{"kind":"all"}}"#.utf8))
            let (view, _) = try await h.services.messaging.broadcasts.create(request, idempotencyKey: nil, actor: .staff("stf_bench"))
            let clock = ContinuousClock()
            let start = clock.now
            let written = try await h.services.messaging.broadcastExpander.pass()
            let elapsed = clock.now - start
            #expect(written == count)
            #expect(try await K.count(h, "SELECT COUNT(*) FROM outbox WHERE subject_id = ?", [view.id]) == count)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("broadcast expansion: \(count) accounts in \(String(format: "%.2f", seconds)) s (\(Int(Double(count) / seconds)) rows/s)")
        }
    }
}
