import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// What the messaging tests share. The dispatcher (another module's work) writes messages,
/// attempts and inbox items; these tests put such rows in directly, as it would leave them.
enum MessagingKit {
    struct AttemptRow: Sendable {
        var channel: String
        var status: String
        var outcome: String? = nil
        var errorCode: String? = nil
        var errorMessage: String? = nil
    }

    static func accountID(_ client: any TestClientProtocol, token: String) async throws -> String {
        let me = try await client.call(.get, "/api/v1/me", token: token)
        return try #require(me.object("account")["id"] as? String)
    }

    static func personID(_ h: TestHarness, member: String) async throws -> String {
        try await h.services.database.pool.read { db in
            try #require(try String.fetchOne(db, sql: "SELECT person_id FROM family_member WHERE id = ?", arguments: [member]))
        }
    }

    @discardableResult
    static func inboxItem(_ h: TestHarness, account: String, person: String? = nil, title: String, at: Date,
                          read: Bool = false) async throws -> String {
        let id = TypedID.ordered("inb", at: at)
        try await h.services.database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO inbox_item (id, account_id, person_id, event, title, body, page, urgent, created_at, read_at)
                VALUES (?, ?, ?, 'payment.paid', ?, '张*支付12.50元', 'pages/pay/detail', 0, ?, ?)
                """, arguments: [id, account, person, title, at, read ? at : nil])
        }
        return id
    }

    @discardableResult
    static func message(_ h: TestHarness, account: String?, person: String?, event: String = "payment.paid", status: String,
                        channel: String? = "sms", at: Date, subject: String = "pay_test", lastError: String? = nil, fellBack: Int = 0,
                        attempts: [AttemptRow] = []) async throws -> String {
        let id = TypedID.ordered("msg", at: at)
        try await h.services.database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO message (id, event, account_id, person_id, subject_kind, subject_id, urgent, payload, status, plan, step,
                                     channel, attempts, fell_back, due_at, last_error, created_at, queued_at, finished_at)
                VALUES (?, ?, ?, ?, 'payment_order', ?, 0, '{"amountFen":"1250"}', ?, '["wechat_subscribe","sms"]', 1, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, event, account, person, subject, status, channel, attempts.count, fellBack, at, lastError, at, at,
                                 ["pending", "sending"].contains(status) ? nil : at])
            for (n, attempt) in attempts.enumerated() {
                try db.execute(sql: """
                    INSERT INTO message_attempt (id, message_id, channel, status, outcome, vendor_message_id, error_code, error_message,
                                                 started_at, finished_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: ["att_\(id)_\(n)", id, attempt.channel, attempt.status, attempt.outcome,
                                     attempt.status == "failed" ? nil : "vendor-\(n)", attempt.errorCode, attempt.errorMessage,
                                     at.addingTimeInterval(Double(n)), at.addingTimeInterval(Double(n) + 0.5)])
            }
        }
        return id
    }

    static func strings(_ value: (any Sendable)?) -> [String]? {
        (value as? [any Sendable])?.compactMap { $0 as? String }
    }

    static func loadTemplates(_ h: TestHarness) async throws {
        let data = try Data(contentsOf: CatalogKit.root.appendingPathComponent("assets/messaging/templates.json"))
        #expect(try await h.services.templates.loadDefaults(from: data) > 0)
    }

    static func audits(_ h: TestHarness, action: String) async throws -> [[String: String]] {
        try await rows(h, "SELECT * FROM audit_log WHERE action = ? ORDER BY seq", [action])
    }

    /// Rows as text columns (GRDB rows are not Sendable); NULLs are left out.
    static func rows(_ h: TestHarness, _ sql: String, _ arguments: StatementArguments = []) async throws -> [[String: String]] {
        try await h.services.database.pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                var columns: [String: String] = [:]
                for (name, value) in row { columns[name] = String.fromDatabaseValue(value) ?? Int64.fromDatabaseValue(value).map { "\($0)" } }
                return columns
            }
        }
    }
}
