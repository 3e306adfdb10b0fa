import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// `/api/v1/me/message-consents` and `/api/v1/me/message-preferences`.
@Suite struct MessageSettingsTests {
    typealias M = MessagingKit
    typealias K = CatalogKit

    static func remaining(_ result: APIResult, _ template: String) -> Int? {
        K.list(result["consents"]).first { $0["templateId"] as? String == template }?["remaining"] as? Int
    }

    @Test func eachWeChatAcceptIsOneConsent() async throws {
        try await TestHarness.with { h in
            try await M.loadTemplates(h)
            try await h.test { client in
                let token = try await Resident.login(h, client)
                let body = #"{"channel":"wechat_subscribe","results":{"tpl_sub_appointment_booked":"accept","tpl_sub_payment_paid":"reject","tpl_sub_report_ready":"ban"}}"#
                let first = try await client.call(.post, "/api/v1/me/message-consents", token: token, json: body)
                #expect(first.status == 201, "\(first.body)")
                #expect(first["added"] as? Int == 1)
                _ = try await client.call(.post, "/api/v1/me/message-consents", token: token, json: body)
                let listed = try await client.call(.get, "/api/v1/me/message-consents", token: token)
                #expect(listed.status == 200)
                #expect(Self.remaining(listed, "tpl_sub_appointment_booked") == 2)
                #expect(Self.remaining(listed, "tpl_sub_payment_paid") == 0)
                let booked = K.list(listed["consents"]).first { $0["templateId"] as? String == "tpl_sub_appointment_booked" }
                #expect(M.strings(booked?["events"]) == ["appointment.booked"])
                #expect(K.list(listed["consents"]).allSatisfy { $0["channel"] as? String == "wechat_subscribe" })

                // The dispatcher spends one (as DispatchStore does); the count follows.
                try await h.services.database.pool.write { db in
                    try db.execute(sql: """
                        UPDATE message_consent SET used_at = ?, used_by = 'msg_x' WHERE id =
                            (SELECT id FROM message_consent WHERE template_id = 'tpl_sub_appointment_booked' AND used_at IS NULL LIMIT 1)
                        """, arguments: [h.clock.now()])
                }
                let after = try await client.call(.get, "/api/v1/me/message-consents", token: token)
                #expect(Self.remaining(after, "tpl_sub_appointment_booked") == 1)
            }
        }
    }

    @Test func consentErrorsHaveTheirCodes() async throws {
        try await TestHarness.with { h in
            try await M.loadTemplates(h)
            try await h.test { client in
                let wechat = try await Resident.login(h, client)
                let path = "/api/v1/me/message-consents"
                let unknown = try await client.call(.post, path, token: wechat,
                                                    json: #"{"channel":"wechat_subscribe","results":{"tpl_nope":"accept"}}"#)
                #expect(unknown.status == 422)
                #expect(unknown.errorCode == "message_template_unknown")
                let alipayOnWeChat = try await client.call(.post, path, token: wechat,
                                                           json: #"{"channel":"alipay","templateId":"tpl_ali_payment_paid","formId":"f1"}"#)
                #expect(alipayOnWeChat.status == 422)
                #expect(alipayOnWeChat.errorCode == "channel_not_available")
                for body in [#"{"channel":"sms","results":{"a":"accept"}}"#, #"{"channel":"wechat_subscribe"}"#,
                             #"{"channel":"wechat_subscribe","results":{}}"#,
                             #"{"channel":"wechat_subscribe","results":{"tpl_sub_payment_paid":"maybe"}}"#] {
                    let bad = try await client.call(.post, path, token: wechat, json: body)
                    #expect(bad.status == 400, "\(body)")
                    #expect(bad.errorCode == "message_consent_invalid", "\(body)")
                }
                #expect(try await client.call(.post, path, token: wechat, json: "[").errorCode == "invalid_json")

                // A template of another channel's ID is unknown to this one; a disabled template is unknown too.
                let other = try await client.call(.post, path, token: wechat,
                                                  json: #"{"channel":"wechat_subscribe","results":{"tpl_mp_payment_paid":"accept"}}"#)
                #expect(other.errorCode == "message_template_unknown")
                let current = try #require(try await h.services.templates.current(event: "queue.near_turn", channel: .wechatSubscribe))
                _ = try await h.services.templates.save(event: "queue.near_turn", channel: "wechat_subscribe",
                                                        draft: .init(templateId: current.templateId, keywords: current.keywords,
                                                                     page: current.page, enabled: false), actor: .system)
                let disabled = try await client.call(.post, path, token: wechat,
                                                     json: #"{"channel":"wechat_subscribe","results":{"tpl_sub_queue_near_turn":"accept"}}"#)
                #expect(disabled.errorCode == "message_template_unknown")
                #expect(try await K.count(h, "SELECT COUNT(*) FROM message_consent") == 0)

                let alipay = try await Resident.alipayLogin(h, client)
                let subscribeOnAlipay = try await client.call(.post, path, token: alipay,
                                                              json: #"{"channel":"wechat_subscribe","results":{"tpl_sub_payment_paid":"accept"}}"#)
                #expect(subscribeOnAlipay.errorCode == "channel_not_available")
                let noForm = try await client.call(.post, path, token: alipay, json: #"{"channel":"alipay","templateId":"tpl_ali_payment_paid"}"#)
                #expect(noForm.errorCode == "message_consent_invalid")
            }
        }
    }

    @Test func anAlipayFormIDCountsOnce() async throws {
        try await TestHarness.with { h in
            try await M.loadTemplates(h)
            try await h.test { client in
                let token = try await Resident.alipayLogin(h, client)
                let body = #"{"channel":"alipay","templateId":"tpl_ali_payment_paid","formId":"MjA4ODAwMjE3OTI2NzQ1Ml8xNjA="}"#
                let first = try await client.call(.post, "/api/v1/me/message-consents", token: token, json: body)
                #expect(first.status == 201, "\(first.body)")
                #expect(first["added"] as? Int == 1)
                let repeated = try await client.call(.post, "/api/v1/me/message-consents", token: token, json: body)
                #expect(repeated["added"] as? Int == 0)
                #expect(Self.remaining(repeated, "tpl_ali_payment_paid") == 1)
                #expect(K.list(repeated["consents"]).allSatisfy { $0["channel"] as? String == "alipay" })
                #expect(try await K.count(h, "SELECT COUNT(*) FROM message_consent WHERE form_id IS NOT NULL") == 1)
            }
        }
    }

    @Test func preferencesAreASubsetInOrderOfTheAccountsChannels() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let wechat = try await Resident.login(h, client)
                let path = "/api/v1/me/message-preferences"
                let initial = try await client.call(.get, path, token: wechat)
                #expect(initial.status == 200)
                #expect(M.strings(initial["channels"]) == ["wechat_subscribe", "wechat_template", "sms"])
                #expect(initial["isDefault"] as? Int == 1)

                let saved = try await client.call(.put, path, token: wechat, json: #"{"channels":["sms","wechat_template"]}"#)
                #expect(saved.status == 200, "\(saved.body)")
                #expect(M.strings(saved["channels"]) == ["sms", "wechat_template"])
                let shown = try await client.call(.get, path, token: wechat)
                #expect(M.strings(shown["channels"]) == ["sms", "wechat_template"])
                #expect(shown["isDefault"] as? Int == 0)
                let stored = try await h.services.database.pool.read { db in
                    try String.fetchOne(db, sql: "SELECT channels FROM message_preference")
                }
                #expect(stored == #"["sms","wechat_template"]"#)

                for body in [#"{"channels":["alipay"]}"#, #"{"channels":["sms","sms"]}"#, #"{"channels":["inbox"]}"#,
                             #"{"channels":["email"]}"#] {
                    let bad = try await client.call(.put, path, token: wechat, json: body)
                    #expect(bad.status == 400, "\(body)")
                    #expect(bad.errorCode == "message_preference_invalid", "\(body)")
                }
                #expect(try await client.call(.put, path, token: wechat, json: #"{"channel":[]}"#).errorCode == "invalid_json")

                let alipay = try await Resident.alipayLogin(h, client)
                #expect(M.strings(try await client.call(.get, path, token: alipay)["channels"]) == ["alipay", "sms"])
                #expect(try await client.call(.put, path, token: alipay, json: #"{"channels":["wechat_subscribe"]}"#).errorCode
                    == "message_preference_invalid")
                let none = try await client.call(.put, path, token: alipay, json: #"{"channels":[]}"#)
                #expect(none.status == 200, "no push at all: the inbox alone")
            }
        }
    }
}
