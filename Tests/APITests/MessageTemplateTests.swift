import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// The staff API for message templates: admins save (validated, versioned, audited) and preview;
/// other staff read; residents and anonymous callers get nothing.
@Suite struct MessageTemplateTests {
    typealias K = CatalogKit

    static let subscribe = #"""
        {"templateId":"tpl_sub_booked","page":"pages/booking/detail?id={{bookingId}}",
         "keywords":{"name1":"{{patientName}}","thing2":"{{department}} {{resource}}","time3":"{{startsAt}}","amount4":"{{feeFen}}"}}
        """#

    @Test func anAdminSavesAndEachSaveIsANewAuditedVersion() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let admin = try await K.staff(h, client, role: "admin")
                let path = "/api/v1/staff/message-templates/appointment.booked/wechat_subscribe"
                let first = try await client.call(.put, path, token: admin, json: Self.subscribe)
                #expect(first.status == 200, "\(first.body)")
                #expect(first.object("template")["version"] as? Int == 1)
                #expect(first.object("template")["enabled"] as? Int == 1)

                let second = try await client.call(.put, path, token: admin, json: Self.subscribe.replacingOccurrences(
                    of: #""templateId""#, with: #""expectedVersion":1,"enabled":false,"templateId""#))
                #expect(second.status == 200, "\(second.body)")
                #expect(second.object("template")["version"] as? Int == 2)

                let stale = try await client.call(.put, path, token: admin, json: Self.subscribe.replacingOccurrences(
                    of: #""templateId""#, with: #""expectedVersion":1,"templateId""#))
                #expect(stale.status == 409)
                #expect(stale.errorCode == "template_version_conflict")

                let shown = try await client.call(.get, path, token: admin)
                #expect(shown.status == 200, "\(shown.body)")
                #expect(shown.object("template")["version"] as? Int == 2)
                #expect(shown.object("template")["enabled"] as? Int == 0)
                #expect((shown["versions"] as? [any Sendable])?.count == 2)

                let audits = try await K.count(h, "SELECT COUNT(*) FROM audit_log WHERE action = 'template.save'")
                #expect(audits == 2)
                let rows = try await K.count(h, "SELECT COUNT(*) FROM message_template WHERE event = 'appointment.booked'")
                #expect(rows == 2, "old versions are kept")
            }
        }
    }

    @Test func badTemplatesAreRefusedWithTheirCode() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let admin = try await K.staff(h, client, role: "admin")
                let path = "/api/v1/staff/message-templates/appointment.booked/wechat_subscribe"
                let unknown = try await client.call(.put, path, token: admin,
                                                    json: #"{"templateId":"t","keywords":{"thing1":"{{doctorName}}"}}"#)
                #expect(unknown.status == 422)
                #expect(unknown.errorCode == "template_variable_unknown")
                let type = try await client.call(.put, path, token: admin,
                                                 json: #"{"templateId":"t","keywords":{"amount1":"{{department}}"}}"#)
                #expect(type.errorCode == "template_value_invalid")
                let noKeywords = try await client.call(.put, path, token: admin, json: #"{"templateId":"t","keywords":{}}"#)
                #expect(noKeywords.errorCode == "template_keyword_missing")
                let badEvent = try await client.call(.put, "/api/v1/staff/message-templates/appointment.nope/sms", token: admin,
                                                     json: #"{"keywords":{"a":"b"}}"#)
                #expect(badEvent.status == 404)
                #expect(badEvent.errorCode == "template_event_unknown")
                let badChannel = try await client.call(.put, "/api/v1/staff/message-templates/appointment.booked/email", token: admin,
                                                       json: #"{"keywords":{"a":"b"}}"#)
                #expect(badChannel.errorCode == "template_channel_unknown")
                let notJSON = try await client.call(.put, path, token: admin, json: #"{"templateId":"t"}"#)
                #expect(notJSON.errorCode == "invalid_json")
                #expect(try await K.count(h, "SELECT COUNT(*) FROM message_template") == 0)
            }
        }
    }

    @Test func previewRendersSamplesOrAGivenPayload() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let admin = try await K.staff(h, client, role: "admin")
                let path = "/api/v1/staff/message-templates/appointment.booked/wechat_subscribe"
                let none = try await client.call(.post, path + "/preview", token: admin)
                #expect(none.status == 404)
                #expect(none.errorCode == "template_not_found")

                _ = try await client.call(.put, path, token: admin, json: Self.subscribe)
                let sample = try await client.call(.post, path + "/preview", token: admin)
                #expect(sample.status == 200, "\(sample.body)")
                let data = (sample.object("preview")["data"] as? [String: any Sendable]) ?? [:]
                #expect(data["amount4"] as? String == "12.50元")
                #expect(data["time3"] as? String == "2026-11-30 08:30")
                #expect(sample.object("preview")["page"] as? String == "pages/booking/detail?id=bkg_01JDEMO0000000000000000")

                let given = try await client.call(.post, path + "/preview", token: admin,
                                                  json: #"{"payload":{"feeFen":"300","department":"儿科"}}"#)
                let givenData = (given.object("preview")["data"] as? [String: any Sendable]) ?? [:]
                #expect(givenData["amount4"] as? String == "3.00元")
                #expect(givenData["thing2"] as? String == "儿科 李医生")

                let tooLong = try await client.call(.post, path + "/preview", token: admin,
                                                    json: #"{"payload":{"department":"心血管内科冠心病与心力衰竭专病门诊"}}"#)
                #expect(tooLong.status == 422)
                #expect(tooLong.errorCode == "template_value_invalid")

                let draft = try await client.call(.post, "/api/v1/staff/message-templates/payment.paid/inbox/preview", token: admin,
                                                  json: #"{"template":{"keywords":{"title":"缴费成功","body":"{{patientName|mask}}支付{{amountFen}}"}}}"#)
                #expect(draft.status == 200, "\(draft.body)")
                #expect(draft.object("preview")["text"] as? String == "缴费成功\n张*支付12.50元")
            }
        }
    }

    @Test func staffReadButOnlyAdminsWrite() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let admin = try await K.staff(h, client, role: "admin")
                let cashier = try await K.staff(h, client, role: "cashier")
                let path = "/api/v1/staff/message-templates/appointment.booked/wechat_subscribe"
                _ = try await client.call(.put, path, token: admin, json: Self.subscribe)

                let refused = try await client.call(.put, path, token: cashier, json: Self.subscribe)
                #expect(refused.status == 403)
                #expect(refused.errorCode == "role_forbidden")
                let preview = try await client.call(.post, path + "/preview", token: cashier)
                #expect(preview.status == 403)

                let list = try await client.call(.get, "/api/v1/staff/message-templates?event=appointment.booked", token: cashier)
                #expect(list.status == 200)
                #expect((list["templates"] as? [any Sendable])?.count == 1)
                let other = try await client.call(.get, "/api/v1/staff/message-templates?channel=sms", token: cashier)
                #expect((other["templates"] as? [any Sendable])?.count == 0)
                let badFilter = try await client.call(.get, "/api/v1/staff/message-templates?channel=fax", token: cashier)
                #expect(badFilter.errorCode == "template_channel_unknown")

                let events = try await client.call(.get, "/api/v1/staff/message-events", token: cashier)
                #expect(events.status == 200)
                let kinds = (events["events"] as? [any Sendable])?.compactMap { ($0 as? [String: any Sendable])?["event"] as? String } ?? []
                #expect(kinds.contains("appointment.suspended") && kinds.contains("payment.refunded") && kinds.contains("report.ready"))

                let anonymous = try await client.call(.get, "/api/v1/staff/message-events")
                #expect(anonymous.status == 401)
                let resident = try await Resident.register(h, client)
                let asResident = try await client.call(.get, "/api/v1/staff/message-templates", token: resident.token)
                #expect(asResident.status == 401 || asResident.status == 403)
            }
        }
    }

    @Test func theDefaultsLoadOnceAndKeepWhatAdminsSaved() async throws {
        try await TestHarness.with { h in
            let file = OpenAPIDocumentTests.root.appendingPathComponent("assets/messaging/templates.json")
            let data = try Data(contentsOf: file)
            let loaded = try await h.services.templates.loadDefaults(from: data)
            #expect(loaded >= 40)
            #expect(try await h.services.templates.loadDefaults(from: data) == 0, "a second start adds nothing")
            try await h.test { client in
                let admin = try await K.staff(h, client, role: "admin")
                let list = try await client.call(.get, "/api/v1/staff/message-templates", token: admin)
                #expect((list["templates"] as? [any Sendable])?.count == loaded)
                for path in ["appointment.suspended/inbox", "appointment.suspended/sms", "payment.paid/wechat_subscribe"] {
                    let preview = try await client.call(.post, "/api/v1/staff/message-templates/\(path)/preview", token: admin)
                    #expect(preview.status == 200, "\(path): \(preview.body)")
                }
            }
        }
    }
}
