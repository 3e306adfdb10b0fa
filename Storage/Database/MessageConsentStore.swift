import Foundation
import GRDB
import HuiminCore

/// One-time consents to mini-program message templates, as residents grant them. The dispatcher
/// spends them (DispatchStore); this store adds them and counts what is left.
public final class MessageConsentStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public struct Grant: Sendable, Equatable {
        /// `wechat_subscribe` or `alipay`.
        public var channel: String
        public var templateId: String
        /// The Alipay form ID the consent came with; nil for WeChat.
        public var formId: String?

        public init(channel: String, templateId: String, formId: String? = nil) {
            self.channel = channel
            self.templateId = templateId
            self.formId = formId
        }
    }

    public struct Remaining: Sendable, Equatable {
        public var channel: String
        public var templateId: String
        public var count: Int
    }

    /// Adds one unused consent per grant, in one transaction; returns how many were added. An
    /// Alipay form ID the account already handed in is not counted twice: Alipay accepts each
    /// form ID for one message only, so a retried request must not promise a second.
    public func add(accountID: String, grants: [Grant], now: Date) async throws -> Int {
        try await database.pool.write { db in
            var added = 0
            for grant in grants {
                if let formId = grant.formId, try Bool.fetchOne(db, sql: """
                    SELECT 1 FROM message_consent WHERE account_id = ? AND channel = ? AND form_id = ?
                    """, arguments: [accountID, grant.channel, formId]) == true {
                    continue
                }
                try db.execute(sql: """
                    INSERT INTO message_consent (id, account_id, channel, template_id, form_id, granted_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [TypedID.ordered("cns", at: now), accountID, grant.channel, grant.templateId, grant.formId, now])
                added += 1
            }
            return added
        }
    }

    /// Unused consents per (channel, template) of the account; templates with none are absent.
    public func remaining(accountID: String) async throws -> [Remaining] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT channel, template_id, COUNT(*) AS n FROM message_consent
                WHERE account_id = ? AND used_at IS NULL GROUP BY channel, template_id ORDER BY channel, template_id
                """, arguments: [accountID]).map { Remaining(channel: $0["channel"], templateId: $0["template_id"], count: $0["n"]) }
        }
    }
}
