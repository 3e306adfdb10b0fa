import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/v1/staff/messages` and `/api/v1/staff/message-stats`: search, one message with its
/// attempts (audited, names and phones masked), statistics, and requeueing a dead message.
@Suite struct MessageRecordTests {
    typealias M = MessagingKit
    typealias K = CatalogKit

    @Test func searchFindsByResidentEventChannelStatusAndTimeAndIsAudited() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let account = try await M.accountID(client, token: resident.token)
                let person = try await M.personID(h, member: resident.selfMemberID)
                let t0 = try #require(BusinessCalendar.instant(day: "2026-11-30", minutes: 9 * 60))
                try await M.message(h, account: account, person: person, status: "delivered", channel: "sms", at: t0)
                try await M.message(h, account: account, person: person, event: "report.ready", status: "dead", channel: "wechat_subscribe",
                                    at: t0.addingTimeInterval(3600))
                try await M.message(h, account: account, person: person, status: "sent", channel: "wechat_subscribe",
                                    at: t0.addingTimeInterval(86_400))
                try await M.message(h, account: "acc_someone_else", person: nil, status: "sent", channel: "sms", at: t0.addingTimeInterval(60))
                let operatorToken = try await K.staff(h, client, role: "operator")

                func ids(_ query: String) async throws -> [String] {
                    let result = try await client.call(.get, "/api/v1/staff/messages?\(query)", token: operatorToken)
                    #expect(result.status == 200, "\(query): \(result.body)")
                    return K.list(result["messages"]).compactMap { $0["event"] as? String }
                }
                #expect(try await ids("accountId=\(account)").count == 3)
                #expect(try await ids("personId=\(person)").count == 3)
                #expect(try await ids("memberId=\(resident.selfMemberID)").count == 3)
                #expect(try await ids("event=report.ready") == ["report.ready"])
                #expect(try await ids("channel=sms").count == 2)
                #expect(try await ids("status=sent&accountId=\(account)").count == 1)
                #expect(try await ids("from=2026-11-30&to=2026-11-30").count == 3, "a business day, Asia/Shanghai")
                #expect(try await ids("from=2026-12-01").count == 1)
                let instant = ISO8601.string(t0.addingTimeInterval(30))
                #expect(try await ids("from=\(instant)&to=2026-11-30").count == 2)

                let page = try await client.call(.get, "/api/v1/staff/messages?limit=2", token: operatorToken)
                #expect(K.list(page["messages"]).count == 2)
                let next = try await client.call(.get, "/api/v1/staff/messages?limit=2&cursor=\(try #require(page["nextCursor"] as? String))",
                                                 token: operatorToken)
                #expect(K.list(next["messages"]).count == 2)
                #expect(next["nextCursor"] == nil, "absent, not null")

                let audits = try await M.audits(h, action: "message.search")
                #expect(audits.count == 11)
                #expect(audits.contains { $0["subject_kind"] == "account" && $0["subject_id"] == account })
                #expect(audits.contains { $0["subject_kind"] == "person" && $0["subject_id"] == person })
                #expect(audits.contains { $0["subject_id"] == "*" && ($0["detail"] ?? "").contains("event=report.ready") })
                #expect(!String(decoding: page.raw, as: UTF8.self).contains("张三"))
            }
        }
    }

    @Test func oneMessageShowsItsAttemptsMaskedAndTheReadIsAudited() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let account = try await M.accountID(client, token: resident.token)
                let person = try await M.personID(h, member: resident.selfMemberID)
                let id = try await M.message(h, account: account, person: person, status: "sent", channel: "sms", at: h.clock.now(),
                                             fellBack: 1, attempts: [
                    .init(channel: "wechat_subscribe", status: "failed", outcome: "fall_back", errorCode: "43101",
                          errorMessage: "user refuse to accept the msg"),
                    .init(channel: "sms", status: "accepted"),
                ])
                let admin = try await K.staff(h, client, role: "admin")
                let shown = try await client.call(.get, "/api/v1/staff/messages/\(id)", token: admin)
                #expect(shown.status == 200, "\(shown.body)")
                let message = shown.object("message")
                #expect(message["status"] as? String == "sent")
                #expect(message["fellBack"] as? Int == 1)
                #expect(M.strings(message["plan"]) == ["wechat_subscribe", "sms"])
                let recipient = shown.object("recipient")
                #expect(recipient["name"] as? String == "张*")
                #expect(recipient["phone"] as? String == "138****8000")
                let attempts = K.list(shown["attempts"])
                #expect(attempts.map { $0["channel"] as? String } == ["wechat_subscribe", "sms"])
                #expect(attempts[0]["errorCode"] as? String == "43101")
                #expect(attempts[0]["outcome"] as? String == "fall_back")
                let raw = String(decoding: shown.raw, as: UTF8.self)
                #expect(!raw.contains("张三") && !raw.contains(Resident.phone) && !raw.contains(Resident.idNumber))

                let audits = try await M.audits(h, action: "message.read")
                #expect(audits.count == 1)
                #expect(audits.first?["subject_id"] == person)
                #expect(audits.first?["detail"] == "message=\(id)")

                let missing = try await client.call(.get, "/api/v1/staff/messages/msg_nope", token: admin)
                #expect(missing.status == 404)
                #expect(missing.errorCode == "message_not_found")
                #expect(try await M.audits(h, action: "message.read").count == 1, "nothing read, nothing audited")
            }
        }
    }

    @Test func vendorErrorsHaveNumbersMasked() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let id = try await M.message(h, account: nil, person: nil, status: "dead", channel: "sms", at: h.clock.now(),
                                             lastError: "isv.MOBILE_NUMBER_ILLEGAL 13912345678", attempts: [
                    .init(channel: "sms", status: "failed", outcome: "dead_letter", errorCode: "isv.MOBILE_NUMBER_ILLEGAL",
                          errorMessage: "非法手机号13912345678，证件11010519491231002X"),
                ])
                let admin = try await K.staff(h, client, role: "admin")
                let shown = try await client.call(.get, "/api/v1/staff/messages/\(id)", token: admin)
                #expect(shown.object("message")["lastError"] as? String == "isv.MOBILE_NUMBER_ILLEGAL 139****5678")
                #expect(K.list(shown["attempts"]).first?["errorMessage"] as? String == "非法手机号139****5678，证件1101**********002X")
            }
        }
    }

    @Test func staffErrorsHaveTheirCodes() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let cashier = try await K.staff(h, client, role: "cashier")
                #expect(try await client.call(.get, "/api/v1/staff/messages", token: cashier).errorCode == "role_forbidden")
                #expect(try await client.call(.get, "/api/v1/staff/messages/msg_x", token: cashier).status == 403)
                let resident = try await Resident.login(h, client)
                #expect(try await client.call(.get, "/api/v1/staff/messages", token: resident).errorCode == "token_invalid")
                let op = try await K.staff(h, client, role: "operator")
                for (query, code) in [("status=lost", "message_query_invalid"), ("channel=email", "message_query_invalid"),
                                      ("event=nope", "message_query_invalid"), ("personId=per_a&memberId=mem_b", "message_query_invalid"),
                                      ("from=2026-13-01", "range_invalid"), ("from=2026-12-02&to=2026-12-01", "range_invalid"),
                                      ("limit=500", "limit_invalid"), ("cursor=x", "cursor_invalid")] {
                    let result = try await client.call(.get, "/api/v1/staff/messages?\(query)", token: op)
                    #expect(result.status == 400, "\(query)")
                    #expect(result.errorCode == code, "\(query)")
                }
                let member = try await client.call(.get, "/api/v1/staff/messages?memberId=mem_nobody", token: op)
                #expect(member.status == 404)
                #expect(member.errorCode == "family_member_not_found")
                #expect(try await M.audits(h, action: "message.search").isEmpty)
            }
        }
    }

    @Test func statisticsPerDayEventAndChannel() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let day = try #require(BusinessCalendar.instant(day: "2026-11-30", minutes: 23 * 60 + 30))  // 15:30 UTC
                try await M.message(h, account: "acc_a", person: nil, status: "sent", channel: "sms", at: day, fellBack: 1, attempts: [
                    .init(channel: "wechat_subscribe", status: "failed", outcome: "fall_back", errorCode: "43101"),
                    .init(channel: "sms", status: "delivered"),
                ])
                try await M.message(h, account: "acc_b", person: nil, status: "delivered", channel: "wechat_subscribe", at: day, attempts: [
                    .init(channel: "wechat_subscribe", status: "delivered"),
                ])
                try await M.message(h, account: "acc_c", person: nil, status: "dead", channel: "sms", at: day, attempts: [
                    .init(channel: "sms", status: "failed", outcome: "dead_letter", errorCode: "isv.TEMPLATE_PARAMS_ILLEGAL"),
                ])
                try await M.message(h, account: "acc_d", person: nil, status: "inbox_only", channel: nil, at: day)
                try await M.message(h, account: "acc_e", person: nil, status: "sent", channel: "sms", at: day.addingTimeInterval(3600),
                                    attempts: [.init(channel: "sms", status: "accepted")])
                let cashier = try await K.staff(h, client, role: "cashier")
                let report = try await client.call(.get, "/api/v1/staff/message-stats?from=2026-11-30&to=2026-12-01", token: cashier)
                #expect(report.status == 200, "\(report.body)")
                let rows = K.list(report["rows"])
                func row(_ day: String, _ channel: String) -> [String: any Sendable]? {
                    rows.first { $0["day"] as? String == day && $0["channel"] as? String == channel && $0["event"] as? String == "payment.paid" }
                }
                let wechat = try #require(row("2026-11-30", "wechat_subscribe"))
                #expect(wechat["sent"] as? Int == 1)
                #expect(wechat["delivered"] as? Int == 1)
                #expect(wechat["failed"] as? Int == 1)
                #expect(wechat["fellBack"] as? Int == 1)
                let sms = try #require(row("2026-11-30", "sms"))
                #expect(sms["sent"] as? Int == 1)
                #expect(sms["delivered"] as? Int == 1)
                #expect(sms["failed"] as? Int == 1)
                #expect(sms["dead"] as? Int == 1)
                #expect(row("2026-11-30", "inbox")?["inboxOnly"] as? Int == 1)
                #expect(row("2026-12-01", "sms")?["sent"] as? Int == 1, "00:30 in Beijing is the next business day")
                let totals = report.object("totals")
                #expect(totals["sent"] as? Int == 3)
                #expect(totals["dead"] as? Int == 1)

                for query in ["", "from=2026-11-30", "from=2026-01-01&to=2027-12-31", "from=2026-12-01&to=2026-11-30", "from=x&to=y"] {
                    let bad = try await client.call(.get, "/api/v1/staff/message-stats?\(query)", token: cashier)
                    #expect(bad.status == 400, "\(query)")
                    #expect(bad.errorCode == "range_invalid", "\(query)")
                }
            }
        }
    }

    @Test func anAdminRequeuesADeadMessage() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let dead = try await M.message(h, account: "acc_a", person: nil, status: "dead", channel: "sms", at: h.clock.now(),
                                               attempts: [.init(channel: "sms", status: "failed", outcome: "dead_letter")])
                let sent = try await M.message(h, account: "acc_a", person: nil, status: "sent", channel: "sms", at: h.clock.now())
                let op = try await K.staff(h, client, role: "operator")
                let forbidden = try await client.call(.post, "/api/v1/staff/messages/\(dead)/requeue", token: op)
                #expect(forbidden.status == 403)
                #expect(forbidden.errorCode == "role_forbidden")

                let admin = try await K.staff(h, client, role: "admin")
                h.clock.advance(by: 600)
                let requeued = try await client.call(.post, "/api/v1/staff/messages/\(dead)/requeue", token: admin)
                #expect(requeued.status == 200, "\(requeued.body)")
                #expect(requeued.object("message")["status"] as? String == "pending")
                #expect(requeued.object("message")["dueAt"] as? String == ISO8601.string(h.clock.now()))
                #expect(requeued.object("message")["attempts"] as? Int == 0)
                #expect(try await M.audits(h, action: "message.requeue").first?["subject_id"] == dead)

                let again = try await client.call(.post, "/api/v1/staff/messages/\(dead)/requeue", token: admin)
                #expect(again.status == 409)
                #expect(again.errorCode == "message_not_dead")
                #expect(try await client.call(.post, "/api/v1/staff/messages/\(sent)/requeue", token: admin).errorCode == "message_not_dead")
                let missing = try await client.call(.post, "/api/v1/staff/messages/msg_nope/requeue", token: admin)
                #expect(missing.status == 404)
                #expect(missing.errorCode == "message_not_found")
                #expect(try await M.audits(h, action: "message.requeue").count == 1)
            }
        }
    }
}
