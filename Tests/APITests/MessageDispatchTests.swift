import Database
import Foundation
import GRDB
import HuiminCore
import Hummingbird
import Messaging
import HummingbirdTesting
import Notices
import Testing
import Transport

/// The dispatcher as residents and vendors see it: the right words on the right channel, consents
/// spent, each vendor failure handled as the vendor means it, quiet hours, per-recipient limits,
/// receipts, and a send interrupted by a crash that the restarted dispatcher finishes without a
/// second message. The sandbox plays WeChat and the SMS gateway; the test drives the dispatcher.
@Suite struct MessageDispatchTests {
    typealias F = AppointmentFixture

    // MARK: Channels

    @Test func aBookingNoticeGoesOutAsATemplateMessageWithAMaskedInboxCopy() async throws {
        try await Self.scenario(openid: "oDispatchTemplate01") { h, client, resident, bookingID in
            let message = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(message["status"] == "sent")
            #expect(Self.text(message, "channel") == "wechat_template")
            #expect(message["plan"] == #"["wechat_subscribe","wechat_template","sms"]"#)
            let sent = try await Self.wechat(h, "oDispatchTemplate01").filter { $0["templateId"] as? String == "tpl_mp_appointment_booked" }
            #expect(sent.count == 1)
            let data = try #require(sent.first?["data"] as? [String: String])
            #expect(data["thing1"] == "第一人民医院")
            #expect(data["name4"] == "张三")
            #expect(data["time3"] == "2026-12-01 08:00")
            #expect(sent.first?["page"] as? String == "pages/booking/detail?id=\(bookingID)")
            #expect(sent.first?["clientMsgId"] as? String == message["id"], "WeChat drops a second send of one client_msg_id")
            #expect(Self.text(message, "vendor_message_id") == (sent.first?["msgid"] as? NSNumber)?.stringValue)

            let inbox = try #require(try h.services.database.pool.read { db in
                try Row.fetchOne(db, sql: "SELECT title, body FROM inbox_item WHERE id = ?", arguments: [message["id"] as String])
            })
            #expect(inbox["title"] == "预约成功")
            let body: String = inbox["body"]
            #expect(body.contains("张*") && !body.contains("张三"), "\(body)")
            #expect(h.logs.all.allSatisfy { !$0.contains("张三") && !$0.contains(Resident.phone) })
        }
    }

    @Test func aConsentSendsASubscribeMessageAndIsSpent() async throws {
        try await Self.scenario(openid: "oDispatchConsent01", before: { h, accountID in
            try await Self.consent(h, accountID: accountID, template: "tpl_sub_appointment_booked")
            _ = try await h.sandboxJSON("POST", "/sandbox/wechat/subscriptions",
                                        body: #"{"openid":"oDispatchConsent01","templateId":"tpl_sub_appointment_booked","count":1}"#)
        }) { h, client, resident, bookingID in
            let message = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(message["status"] == "sent")
            #expect(Self.text(message, "channel") == "wechat_subscribe")
            let sent = try await Self.wechat(h, "oDispatchConsent01").filter { $0["templateId"] as? String == "tpl_sub_appointment_booked" }
            #expect(sent.count == 1)
            #expect((sent.first?["data"] as? [String: String])?["amount5"] == "0.00元")
            #expect(try await Self.openConsents(h) == 0)
        }
    }

    @Test func aRefusedSubscribeFallsBackToTheTemplateMessageAndDropsStaleConsents() async throws {
        try await Self.scenario(openid: "oDispatchRefused01", before: { h, accountID in
            // Huimin holds two consents, but the resident turned the template off in WeChat: 43101.
            try await Self.consent(h, accountID: accountID, template: "tpl_sub_appointment_booked")
            try await Self.consent(h, accountID: accountID, template: "tpl_sub_appointment_booked")
        }) { h, client, resident, bookingID in
            let message = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(message["status"] == "sent")
            #expect(Self.text(message, "channel") == "wechat_template")
            #expect(message["fell_back"] == 1)
            #expect(message["attempts"] == 2)
            let attempts = try Self.attempts(h, message: message["id"])
            #expect(attempts.map { $0["channel"] as String } == ["wechat_subscribe", "wechat_template"])
            #expect(attempts.map { $0["error_code"] as String? } == ["43101", nil])
            #expect(attempts.map { $0["outcome"] as String? } == ["fall_back", nil])
            #expect(try await Self.openConsents(h) == 0, "WeChat said none is left")
        }
    }

    @Test func aResidentWhoUnfollowedGetsAnSMSAndItsReceiptMarksItDelivered() async throws {
        try await Self.scenario(openid: "oDispatchSMS01", before: { h, _ in
            try await Self.sandboxPost(h, "/sandbox/wechat/followers", body: #"{"openid":"oDispatchSMS01","following":false}"#)
        }) { h, client, resident, bookingID in
            let message = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(message["status"] == "sent")
            #expect(Self.text(message, "channel") == "sms")
            let attempts = try Self.attempts(h, message: message["id"])
            #expect(attempts.map { $0["error_code"] as String? } == ["43004", nil])
            let sms = try await Self.sms(h, Resident.phone).filter { $0["templateCode"] as? String == "SMS_900000010" }
            #expect(sms.count == 1)
            #expect((sms.first?["params"] as? [String: String])?["name"] == "张*")
            #expect(sms.first?["outId"] as? String == message["id"])
            let bizID = try #require(sms.first?["bizId"] as? String)
            #expect(Self.text(message, "vendor_message_id") == bizID)

            let receipt = #"[{"phone_number":"\#(Resident.phone)","send_time":"2026-11-30 10:00:01","report_time":"2026-11-30 10:00:03","success":true,"err_code":"DELIVERED","err_msg":"用户接收成功","sms_size":"1","biz_id":"\#(bizID)","out_id":"\#(message["id"] as String)"}]"#
            for _ in 0..<2 {  // the gateway pushes again when unsure; the second changes nothing
                let answer = try await client.call(.post, "/notify/v1/sms-report", json: receipt)
                #expect(answer.status == 200)
                #expect(answer["code"] as? Int == 0)
            }
            let delivered = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(delivered["status"] == "delivered")
            #expect(try Self.attempts(h, message: message["id"]).last?["status"] == "delivered")
        }
    }

    @Test func anExpiredAccessTokenIsRefreshedOnceAndTheMessageStillGoesOut() async throws {
        try await Self.scenario(openid: "oDispatchToken01", before: { h, accountID in
            // The registration notice goes out as a subscribe message, which fetches a token; then
            // WeChat expires it behind the cache's back.
            try await Self.consent(h, accountID: accountID, template: "tpl_sub_resident_registered")
            _ = try await h.sandboxJSON("POST", "/sandbox/wechat/subscriptions",
                                        body: #"{"openid":"oDispatchToken01","templateId":"tpl_sub_resident_registered","count":1}"#)
            try await Self.drain(h)
            #expect(try await Self.wechat(h, "oDispatchToken01").count == 1)
            _ = try await h.sandboxJSON("POST", "/sandbox/wechat/tokens", body: #"{"action":"expire"}"#)
        }) { h, client, resident, bookingID in
            let message = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(message["status"] == "sent")
            #expect(message["attempts"] == 1, "the refresh is inside the attempt")
            #expect(try await h.sandboxJSON("GET", "/sandbox/wechat/tokens")["issued"] as? Int == 2)
        }
    }

    @Test func aRateLimitedSendWaitsAndGoesOutLater() async throws {
        try await Self.scenario(openid: "oDispatchQuota01", before: { h, _ in
            _ = try await h.sandboxJSON("POST", "/sandbox/faults", body: #"{"service":"wechat_messages","kind":"error","errorCode":"45009","times":1}"#)
        }) { h, client, resident, bookingID in
            let waiting = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(waiting["status"] == "pending")
            #expect(Self.text(waiting, "held_reason") == "retry")
            #expect(Self.text(waiting, "last_error") == "45009")
            let due = try #require(Date.fromDatabaseValue((waiting["due_at"] as String).databaseValue))
            #expect(due.timeIntervalSince(h.clock.now()) >= 3600, "WeChat's daily quota does not come back in seconds")
            h.clock.advance(by: 3700)
            try await Self.drain(h)
            let sent = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(sent["status"] == "sent")
            #expect(sent["attempts"] == 2)
        }
    }

    @Test func anInvalidTemplateIsDeadLetteredWithTheReason() async throws {
        try await Self.scenario(openid: "oDispatchDead01", before: { h, _ in
            _ = try await h.sandboxJSON("POST", "/sandbox/faults", body: #"{"service":"wechat_messages","kind":"error","errorCode":"40037","times":1}"#)
        }) { h, client, resident, bookingID in
            let message = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(message["status"] == "dead")
            #expect(Self.text(message, "last_error") == "template_invalid")
            #expect(Self.text(try Self.attempts(h, message: message["id"]).first, "outcome") == "dead_letter")
        }
    }

    @Test func anAlipayResidentGetsTheAlipayMessageWhileAFormIDLastsThenSMS() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await Self.loadTemplates(h)
            let clinic = try await F.clinic(h)
            try await h.test { client in
                let resident = try await Resident.register(h, client, through: "alipay")
                let account = try #require(try h.services.database.pool.read { db in
                    try Row.fetchOne(db, sql: "SELECT id, channel_user_id FROM account WHERE channel = 'alipay'")
                })
                let userID: String = account["channel_user_id"], accountID: String = account["id"]
                // The resident accepted one subscription in Alipay: Alipay knows the form ID, and the
                // mini-program told Huimin.
                _ = try await h.sandboxJSON("POST", "/sandbox/alipay/forms", body: #"{"userId":"\#(userID)","formId":"form-0001","count":1}"#)
                try await h.services.database.pool.write { db in
                    try db.execute(sql: """
                        INSERT INTO message_consent (id, account_id, channel, template_id, form_id, granted_at)
                        VALUES (?, ?, 'alipay', 'tpl_ali_appointment_booked', 'form-0001', ?)
                        """, arguments: [TypedID.make("cst"), accountID, Date().sqlText])
                }
                let booked = try await resident.book(client, slot: clinic.slotIDs[0])
                let bookingID = try #require(booked.object("booking")["id"] as? String)
                try await Self.drain(h)
                let message = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
                #expect(Self.text(message, "channel") == "alipay")
                #expect(message["plan"] == #"["alipay","sms"]"#)
                let received = try await h.sandboxJSON("GET", "/sandbox/alipay/messages?userId=\(userID)")["messages"] as? [[String: Any]] ?? []
                #expect(received.count == 1)
                #expect(received.first?["formId"] as? String == "form-0001")
                #expect((received.first?["data"] as? [String: String])?["keyword1"] == "张三")

                let cancelled = try await client.call(.post, "/api/v1/bookings/\(bookingID)/cancel", token: resident.token, json: "{}")
                #expect(cancelled.status == 200, "\(cancelled.body)")
                try await Self.drain(h)
                let notice = try #require(try Self.message(h, subject: bookingID, event: "appointment.cancelled"))
                #expect(Self.text(notice, "channel") == "sms", "no form ID left for the cancellation")
                #expect(try await Self.sms(h, Resident.phone).contains { $0["templateCode"] as? String == "SMS_900000011" })
            }
        }
    }

    @Test func wechatsDeliveryEventMarksATemplateMessageDeliveredAndABlockedUrgentOneFallsBack() async throws {
        try await Self.scenario(openid: "oDispatchEvent01", beforeDispatch: { h in
            h.clock.set(F.at(day: "2026-11-30", "10:05"))
        }) { h, client, resident, bookingID in
            let message = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(Self.text(message, "channel") == "wechat_template")
            let msgid = try #require(Self.text(message, "vendor_message_id"))
            let token = h.services.configuration.messaging.wechatEventToken
            let delivered = try await client.call(.post, Self.signedEventPath(token: token), json: Self.event(msgid: msgid, status: "success"))
            #expect(delivered.status == 200)
            #expect(String(decoding: delivered.raw, as: UTF8.self) == "success")
            #expect(try Self.message(h, subject: bookingID, event: "appointment.booked")?["status"] == "delivered")

            let forged = try await client.call(.post, Self.signedEventPath(token: "not-the-token"), json: Self.event(msgid: msgid, status: "success"))
            #expect(forged.status == 401)
            #expect(forged.errorCode == "wechat_signature_invalid")
            let check = try await client.call(.get, Self.signedEventPath(token: token) + "&echostr=4242")
            #expect(String(decoding: check.raw, as: UTF8.self) == "4242")

            // 停诊 is urgent: the follower blocked the account's messages, so SMS carries it instead.
            let terminal = try await Terminal.connect(h)
            let code = try #require(try await h.services.database.pool.read { db in
                try String.fetchOne(db, sql: "SELECT r.code FROM booking b JOIN resource r ON r.id = b.resource_id WHERE b.id = ?",
                                    arguments: [bookingID])
            })
            _ = try await terminal.call(client, h, .post, "/integration/v1/sessions/suspend",
                json: #"{"resourceCode":"\#(code)","day":"\#(F.day)","period":"morning","reason":"医生外出会诊"}"#)
            try await Self.drain(h)
            let notice = try #require(try Self.message(h, subject: bookingID, event: "appointment.suspended"))
            #expect(Self.text(notice, "channel") == "wechat_template")
            let blocked = try await client.call(.post, Self.signedEventPath(token: token), json: Self.event(msgid: try #require(Self.text(notice, "vendor_message_id")),
                                                                 status: "failed:user block"))
            #expect(blocked.status == 200)
            try await Self.drain(h)
            let fallen = try #require(try Self.message(h, subject: bookingID, event: "appointment.suspended"))
            #expect(Self.text(fallen, "channel") == "sms")
            #expect(fallen["fell_back"] == 1)
            #expect(try await Self.sms(h, Resident.phone).contains { $0["templateCode"] as? String == "SMS_900000013" })
        }
    }

    // MARK: When and how often

    @Test func quietHoursHoldANoticeUntilMorning() async throws {
        try await Self.scenario(openid: "oDispatchQuiet01", beforeDispatch: { h in
            h.clock.set(F.at(day: "2026-11-30", "23:30"))
        }) { h, client, resident, bookingID in
            let held = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(held["status"] == "pending")
            #expect(Self.text(held, "held_reason") == "quiet_hours")
            #expect(held["due_at"] == F.at(day: "2026-12-01", "07:00").sqlText)
            #expect(try await Self.wechat(h, "oDispatchQuiet01").isEmpty)
            let heldID: String = held["id"]
            #expect(try await h.services.database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM inbox_item WHERE id = ?", arguments: [heldID])
            } == 1, "the inbox has it at once")
            h.clock.set(F.at(day: "2026-12-01", "07:00"))
            try await Self.drain(h)
            #expect(try Self.message(h, subject: bookingID, event: "appointment.booked")?["status"] == "sent")
        }
    }

    @Test func anUrgentSuspensionGoesOutDuringQuietHours() async throws {
        try await Self.scenario(openid: "oDispatchUrgent01", beforeDispatch: { h in
            h.clock.set(F.at(day: "2026-11-30", "23:30"))
        }) { h, client, resident, bookingID in
            let terminal = try await Terminal.connect(h)
            let clinic = try #require(try h.services.database.pool.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT r.code FROM booking b JOIN resource r ON r.id = b.resource_id WHERE b.id = ?
                    """, arguments: [bookingID])
            })
            let suspended = try await terminal.call(client, h, .post, "/integration/v1/sessions/suspend",
                json: #"{"resourceCode":"\#(clinic["code"] as String)","day":"\#(F.day)","period":"morning","reason":"医生外出会诊"}"#)
            #expect(suspended.status == 200, "\(suspended.body)")
            try await Self.drain(h)
            let notice = try #require(try Self.message(h, subject: bookingID, event: "appointment.suspended"))
            #expect(notice["status"] == "sent")
            let sent = try await Self.wechat(h, "oDispatchUrgent01").filter { $0["templateId"] as? String == "tpl_mp_appointment_suspended" }
            #expect((sent.first?["data"] as? [String: String])?["thing4"] == "医生外出会诊")
        }
    }

    @Test func aRecipientsRateLimitHoldsTheExtraNotice() async throws {
        try await Self.scenario(openid: "oDispatchRate01", environment: ["HUIMIN_MESSAGE_RATE": "1/3600"],
                                before: { h, _ in try await Self.drain(h) }) { h, client, resident, bookingID in
            // The registration notice went out first and used the one message an hour.
            let held = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(held["status"] == "pending")
            #expect(Self.text(held, "held_reason") == "rate_limited")
            h.clock.advance(by: 3601)
            try await Self.drain(h)
            #expect(try Self.message(h, subject: bookingID, event: "appointment.booked")?["status"] == "sent")
        }
    }

    // MARK: Crashes

    @Test func aSendInterruptedByACrashIsFinishedWithoutASecondMessage() async throws {
        try await Self.scenario(openid: "oDispatchCrash01", dispatch: false) { h, client, resident, bookingID in
            // A dispatcher claims the message and WeChat takes it, then the process dies before
            // the answer is recorded.
            let store = h.services.dispatchStore
            try await store.intake(now: h.clock.now(), limit: 100)
            let book = try await h.services.dispatcher.currentBook()
            let planner = MessagePlanner(book: book, crypto: h.services.crypto, settings: h.services.configuration.messaging,
                                         now: h.clock.now(), newAttemptID: { TypedID.make("att") })
            let orders = try await store.claim(now: h.clock.now(), limit: 100, leaseSeconds: 30, rateWindow: 3600,
                                               decide: planner.decide)
            let order = try #require(orders.first { $0.channel == "wechat_template" })
            let outcome = await h.services.dispatcher.senders.send(order, attempts: 1)
            guard case .accepted = outcome else { Issue.record("WeChat refused the first send: \(outcome)"); return }
            #expect(try await Self.wechat(h, "oDispatchCrash01").count == 1)

            try await Self.drain(h)
            #expect(try Self.message(h, subject: bookingID, event: "appointment.booked")?["status"] == "sending",
                    "leased by the dead dispatcher")
            h.clock.advance(by: 31)
            try await Self.drain(h)
            let message = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(message["status"] == "sent")
            #expect(try await Self.wechat(h, "oDispatchCrash01").count == 1, "WeChat dropped the repeat by its client_msg_id")
            #expect(Self.text(message, "vendor_message_id") == (try await Self.wechat(h, "oDispatchCrash01").first?["msgid"] as? NSNumber)?.stringValue)
            let attempts = try Self.attempts(h, message: message["id"])
            #expect(attempts.count == 1)
            #expect(attempts.first?["status"] == "accepted")
        }
    }

    @Test func anSMSInterruptedByACrashIsFoundAtTheGatewayAndNotSentAgain() async throws {
        try await Self.scenario(openid: "oDispatchCrashSMS1", dispatch: false, before: { h, _ in
            try await Self.sandboxPost(h, "/sandbox/wechat/followers", body: #"{"openid":"oDispatchCrashSMS1","following":false}"#)
        }) { h, client, resident, bookingID in
            // Fall back to SMS first (the template message is refused: not a follower).
            try await Self.drain(h)
            let message = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(Self.text(message, "channel") == "sms")
            #expect(try await Self.sms(h, Resident.phone).filter { $0["templateCode"] as? String == "SMS_900000010" }.count == 1)
            // Now pretend the process died between the gateway's OK and recording it: the attempt is
            // back in 'sending' and the message leased; the gateway has the message.
            let messageID: String = message["id"], leaseEnd = h.clock.now().addingTimeInterval(30).sqlText
            try await h.services.database.pool.write { db in
                try db.execute(sql: "UPDATE message_attempt SET status = 'sending', vendor_message_id = NULL, finished_at = NULL WHERE message_id = ? AND channel = 'sms'",
                               arguments: [messageID])
                try db.execute(sql: "UPDATE message SET status = 'sending', due_at = ? WHERE id = ?", arguments: [leaseEnd, messageID])
            }
            h.clock.advance(by: 31)
            try await Self.drain(h)
            let settled = try #require(try Self.message(h, subject: bookingID, event: "appointment.booked"))
            #expect(settled["status"] == "sent")
            #expect(try await Self.sms(h, Resident.phone).filter { $0["templateCode"] as? String == "SMS_900000010" }.count == 1,
                    "the gateway was asked by OutId and the SMS was not sent again")
            #expect(try Self.attempts(h, message: message["id"]).last?["status"] == "accepted")
        }
    }

    // MARK: Helpers

    /// A WeChat resident (openid given) books a free segment at 10:00 the day before; `before`
    /// runs after registration, `beforeDispatch` before the dispatcher drains the outbox.
    static func scenario(openid: String, environment: [String: String] = [:], dispatch: Bool = true,
                         before: @escaping @Sendable (TestHarness, String) async throws -> Void = { _, _ in },
                         beforeDispatch: @escaping @Sendable (TestHarness) async throws -> Void = { _ in },
                         _ body: @escaping @Sendable (TestHarness, any TestClientProtocol, Resident, String) async throws -> Void)
        async throws {
        try await TestHarness.with(environment: environment) { h in
            h.clock.set(F.dayBefore10am)
            try await loadTemplates(h)
            let clinic = try await F.clinic(h)
            try await h.test { client in
                let resident = try await Resident.register(h, client, openid: openid)
                let accountID = try #require(try await h.services.database.pool.read { db in
                    try String.fetchOne(db, sql: "SELECT id FROM account WHERE channel_user_id = ?", arguments: [openid])
                })
                try await before(h, accountID)
                let booked = try await resident.book(client, slot: clinic.slotIDs[0])
                #expect(booked.status == 201, "\(booked.body)")
                let bookingID = try #require(booked.object("booking")["id"] as? String)
                try await beforeDispatch(h)
                if dispatch { try await drain(h) }
                try await body(h, client, resident, bookingID)
            }
        }
    }

    static func loadTemplates(_ h: TestHarness) async throws {
        let file = OpenAPIDocumentTests.root.appendingPathComponent("assets/messaging/templates.json")
        _ = try await h.services.templates.loadDefaults(from: try Data(contentsOf: file))
    }

    /// Runs the dispatcher until a pass sends nothing (fall-backs take a pass each).
    static func drain(_ h: TestHarness) async throws {
        for _ in 0..<10 where try await h.services.dispatcher.runOnce() > 0 {}
    }

    /// A column that may be NULL (GRDB traps reading NULL as a String).
    static func text(_ row: Row?, _ column: String) -> String? {
        row.flatMap { $0[column] as String? }
    }

    /// Rows are not Sendable, so these read synchronously.
    static func message(_ h: TestHarness, subject: String, event: String) throws -> Row? {
        try h.services.database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM message WHERE subject_id = ? AND event = ?", arguments: [subject, event])
        }
    }

    static func attempts(_ h: TestHarness, message: String) throws -> [Row] {
        try h.services.database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM message_attempt WHERE message_id = ? ORDER BY started_at, rowid", arguments: [message])
        }
    }

    static func consent(_ h: TestHarness, accountID: String, template: String) async throws {
        try await h.services.database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO message_consent (id, account_id, channel, template_id, granted_at) VALUES (?, ?, 'wechat_subscribe', ?, ?)
                """, arguments: [TypedID.make("cst"), accountID, template, Date().sqlText])
        }
    }

    static func openConsents(_ h: TestHarness) async throws -> Int {
        try await h.services.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM message_consent WHERE used_at IS NULL") ?? -1
        }
    }

    static func wechat(_ h: TestHarness, _ openid: String) async throws -> [[String: Any]] {
        try await h.sandboxJSON("GET", "/sandbox/wechat/messages?openid=\(openid)")["messages"] as? [[String: Any]] ?? []
    }

    static func signedEventPath(token: String) -> String {
        let timestamp = "1764470700", nonce = "8675309"
        let signature = WeChatEvent.signature(token: token, timestamp: timestamp, nonce: nonce)
        return "/notify/v1/wechat-events?signature=\(signature)&timestamp=\(timestamp)&nonce=\(nonce)"
    }

    static func event(msgid: String, status: String) -> String {
        "<xml><ToUserName><![CDATA[gh_sandbox00001]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName>"
            + "<CreateTime>1764470700</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event>"
            + "<MsgID>\(msgid)</MsgID><Status><![CDATA[\(status)]]></Status></xml>"
    }

    /// A sandbox control call whose answer has no body (204).
    static func sandboxPost(_ h: TestHarness, _ path: String, body: String) async throws {
        let response = try await h.transport.send(OutboundRequest(method: "POST", url: h.sandboxURL + path,
                                                                  headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
        #expect(response.status < 300, "\(path): HTTP \(response.status)")
    }

    static func sms(_ h: TestHarness, _ phone: String) async throws -> [[String: Any]] {
        try await h.sandboxJSON("GET", "/sandbox/sms/messages?phone=\(phone)")["messages"] as? [[String: Any]] ?? []
    }
}
