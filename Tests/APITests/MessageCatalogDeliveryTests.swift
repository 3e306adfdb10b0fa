import Database
import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Notices
import Testing

/// Every event of the catalog, on every channel its default templates cover, goes out through the
/// dispatcher and the vendor (sandbox) takes it: the keywords each WeChat, Alipay and SMS template
/// needs are there, subscribe values fit WeChat's rules, pages are the mini-program's. The payload
/// is the catalog's sample, as the domain would write it; names come from the resident's record.
@Suite struct MessageCatalogDeliveryTests {
    typealias F = AppointmentFixture

    /// staff.urgent_alert goes to staff, whom the resident tables do not hold (the ECG issue adds them).
    static let residentEvents = EventCatalog.all.filter { $0.event != "staff.urgent_alert" }

    @Test(arguments: ["wechat_subscribe", "wechat_template", "alipay", "sms"])
    func everyEventGoesOutOnTheChannel(channel: String) async throws {
        try await TestHarness.with(environment: ["HUIMIN_MESSAGE_RATE": "1000/3600"]) { h in
            h.clock.set(F.dayBefore10am)
            try await MessageDispatchTests.loadTemplates(h)
            _ = try await F.clinic(h)  // hospital H0001, whose name templates show
            try await h.test { client in
                let openid = "oCatalog" + channel.replacingOccurrences(of: "_", with: "")
                _ = try await Resident.register(h, client, through: channel == "alipay" ? "alipay" : "wechat", openid: openid)
                let account = try #require(try h.services.database.pool.read { db in
                    try Row.fetchOne(db, sql: """
                        SELECT a.id, a.channel_user_id, f.person_id FROM account a JOIN family_member f ON f.account_id = a.id
                        WHERE f.relation = 'self'
                        """)
                })
                let accountID: String = account["id"], userID: String = account["channel_user_id"], personID: String = account["person_id"]
                let book = try await h.services.dispatcher.currentBook()
                let events = Self.residentEvents.filter { book.template($0.event, channel) != nil }
                #expect(events.count >= (channel == "wechat_subscribe" ? 17 : 5), "\(channel): \(events.map(\.event))")
                try await Self.prepare(h, channel: channel, accountID: accountID, userID: userID, events: events, book: book)
                // Drop what registration queued; only the catalog's events are checked.
                try await h.services.database.pool.write { db in try db.execute(sql: "DELETE FROM outbox") }
                for kind in events {
                    try await Self.queue(h, kind, accountID: accountID, personID: personID)
                }
                try await MessageDispatchTests.drain(h)

                let rows = try h.services.database.pool.read { db in
                    try Row.fetchAll(db, sql: "SELECT event, status, channel, last_error FROM message WHERE subject_kind = 'catalog_test'")
                }
                #expect(rows.count == events.count)
                for row in rows {
                    let event: String = row["event"]
                    #expect(row["status"] as String == "sent" && row["channel"] as String? == channel,
                            "\(event) on \(channel): \(row["status"] as String) \(row["last_error"] as String? ?? "")")
                }
                let received = try await Self.received(h, channel: channel, userID: userID)
                for kind in events {
                    let templateID = try #require(book.template(kind.event, channel)?.templateId)
                    #expect(received.contains(templateID), "the vendor has no \(templateID) for \(kind.event)")
                }
            }
        }
    }

    /// What each channel needs before it can carry every event: consents for the mini-program
    /// templates (WeChat counts them too, Alipay knows the form IDs), and the resident's preference
    /// narrowed to this one channel.
    static func prepare(_ h: TestHarness, channel: String, accountID: String, userID: String, events: [EventKind],
                        book: TemplateBook) async throws {
        for kind in events where channel == "wechat_subscribe" || channel == "alipay" {
            let templateID = try #require(book.template(kind.event, channel)?.templateId)
            let formID = "form-\(kind.event)"
            if channel == "wechat_subscribe" {
                _ = try await h.sandboxJSON("POST", "/sandbox/wechat/subscriptions",
                                            body: #"{"openid":"\#(userID)","templateId":"\#(templateID)","count":1}"#)
            } else {
                _ = try await h.sandboxJSON("POST", "/sandbox/alipay/forms", body: #"{"userId":"\#(userID)","formId":"\#(formID)","count":1}"#)
            }
            try await h.services.database.pool.write { db in
                try db.execute(sql: """
                    INSERT INTO message_consent (id, account_id, channel, template_id, form_id, granted_at) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [TypedID.make("cst"), accountID, channel, templateID, channel == "alipay" ? formID : nil,
                                     Date().sqlText])
            }
        }
        try await h.services.database.pool.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO message_preference (account_id, channels, updated_at) VALUES (?, ?, ?)",
                           arguments: [accountID, #"["\#(channel)"]"#, Date().sqlText])
        }
    }

    /// An outbox row as the domain writes one: the payload's variables (the catalog's samples),
    /// never the recipient's.
    static func queue(_ h: TestHarness, _ kind: EventKind, accountID: String, personID: String) async throws {
        var payload = kind.variables.filter { $0.source == .payload }.reduce(into: [String: String]()) { $0[$1.name] = $1.sample }
        payload["hospitalCode"] = payload["hospitalCode"].map { _ in "H0001" }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self)
        let now = h.clock.now().sqlText
        try await h.services.database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO outbox (id, event, account_id, person_id, subject_kind, subject_id, urgent, payload, not_before, created_at)
                VALUES (?, ?, ?, ?, 'catalog_test', ?, ?, ?, ?, ?)
                """, arguments: [TypedID.make("msg"), kind.event, accountID, personID, kind.event, kind.urgent, json, now, now])
        }
    }

    /// The template IDs (or SMS template codes) the vendor accepted.
    static func received(_ h: TestHarness, channel: String, userID: String) async throws -> Set<String> {
        let (path, key) = switch channel {
        case "alipay": ("/sandbox/alipay/messages?userId=\(userID)", "templateId")
        case "sms": ("/sandbox/sms/messages?phone=\(Resident.phone)&limit=1000", "templateCode")
        default: ("/sandbox/wechat/messages?openid=\(userID)&limit=1000", "templateId")
        }
        let messages = try await h.sandboxJSON("GET", path)["messages"] as? [[String: Any]] ?? []
        return Set(messages.compactMap { $0[key] as? String })
    }
}
