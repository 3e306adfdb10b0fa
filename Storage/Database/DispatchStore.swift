import Foundation
import GRDB
import HuiminCore

/// The dispatcher's SQL: taking outbox rows in as messages, leasing due messages with what deciding
/// needs, recording each attempt before the vendor is called and its outcome after, and applying
/// delivery receipts. Each method is one transaction over a whole batch: one fsync per batch.
public final class DispatchStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// Moves up to `limit` due outbox rows into `message` (same id) and marks them dispatched.
    /// A row another dispatcher took first is skipped. Returns how many were taken.
    @discardableResult
    public func intake(now: Date, limit: Int) async throws -> Int {
        try await database.pool.write { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM outbox WHERE dispatched_at IS NULL AND not_before <= ? ORDER BY not_before LIMIT ?
                """, arguments: [now.sqlText, limit])
            let copy = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO message (id, event, account_id, person_id, subject_kind, subject_id, urgent, payload,
                                               status, plan, due_at, created_at, queued_at)
                SELECT id, event, account_id, person_id, subject_kind, subject_id, urgent, payload, 'pending', '[]', ?,
                       created_at, ?
                FROM outbox WHERE id = ?
                """)
            let mark = try db.cachedStatement(sql: "UPDATE outbox SET dispatched_at = ? WHERE id = ? AND dispatched_at IS NULL")
            for id in ids {
                try copy.execute(arguments: [now.sqlText, now.sqlText, id])
                try mark.execute(arguments: [now.sqlText, id])
            }
            return ids.count
        }
    }

    /// Leases up to `limit` due messages (pending ones, and sending ones whose lease ran out after a
    /// crash), asks `decide` what to do with each, and records the decisions: holds, finished
    /// messages, inbox copies, spent consents and an attempt row in `sending` for each send. Returns
    /// the sends to make; their messages stay leased until `leaseSeconds` from now.
    public func claim(now: Date, limit: Int, leaseSeconds: TimeInterval, rateWindow: TimeInterval,
                      decide: @escaping @Sendable (DispatchCandidate) -> DispatchDecision) async throws -> [SendOrder] {
        try await database.pool.write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT m.id, m.event, m.account_id, m.person_id, m.urgent, m.payload, m.status, m.plan, m.step, m.attempts,
                       m.created_at, a.channel AS account_channel, a.channel_user_id, pref.channels AS preference,
                       ho.name AS hospital_name,
                       -- A critical-value alert names the ECG's patient even when no resident is linked.
                       COALESCE(pe.name_sealed,
                                (SELECT r.patient_name_sealed FROM ecg_recording r
                                 WHERE m.subject_kind = 'alert_contact' AND r.id = json_extract(m.payload, '$.alertId'))) AS name_sealed,
                       -- Staff contacts (alert_contact) have a phone of their own and no account.
                       COALESCE((SELECT p.phone_sealed FROM family_member f JOIN person p ON p.id = f.person_id
                                 WHERE f.account_id = m.account_id AND f.relation = 'self'),
                                (SELECT f.phone_sealed FROM family_member f
                                 WHERE f.account_id = m.account_id AND f.person_id = m.person_id),
                                (SELECT c.phone_sealed FROM alert_contact c
                                 WHERE m.subject_kind = 'alert_contact' AND c.id = m.subject_id)) AS phone_sealed
                FROM message m
                LEFT JOIN account a ON a.id = m.account_id
                LEFT JOIN person pe ON pe.id = m.person_id
                LEFT JOIN message_preference pref ON pref.account_id = m.account_id
                LEFT JOIN hospital ho ON ho.code = json_extract(m.payload, '$.hospitalCode')
                WHERE m.status IN ('pending', 'sending') AND m.due_at <= ?
                ORDER BY m.due_at LIMIT ?
                """, arguments: [now.sqlText, limit])
            guard !rows.isEmpty else { return [] }
            let accounts = Array(Set(rows.compactMap { $0["account_id"] as String? }))
            var consents = try Self.openConsents(db, accounts: accounts)
            var recent = try Self.recentSends(db, accounts: accounts, since: now.addingTimeInterval(-rateWindow))
            let unsettled = try Self.unsettledAttempts(db, messages: rows.filter { $0["status"] == "sending" }.map { $0["id"] })
            let leaseUntil = now.addingTimeInterval(leaseSeconds).sqlText
            var orders: [SendOrder] = []
            for row in rows {
                let id: String = row["id"]
                let accountID: String? = row["account_id"]
                let candidate = DispatchCandidate(
                    id: id, event: row["event"], accountID: accountID, personID: row["person_id"], urgent: row["urgent"],
                    payload: Self.decodeStrings(row["payload"]), plan: Self.decodeList(row["plan"]), step: row["step"],
                    attempts: row["attempts"], createdAt: row["created_at"], accountChannel: row["account_channel"],
                    channelUserID: row["channel_user_id"], phoneSealed: row["phone_sealed"], patientNameSealed: row["name_sealed"],
                    hospitalName: row["hospital_name"],
                    preference: (row["preference"] as String?).map(Self.decodeList),
                    consents: accountID.flatMap { consents[$0] } ?? [], recentSends: accountID.flatMap { recent[$0] } ?? 0,
                    unsettled: unsettled[id])
                let decision = decide(candidate)
                try Self.applyFirstClaim(db, candidate, decision, now: now)
                switch decision.step {
                case .hold(let until, let reason):
                    try Self.run(db, sql: "UPDATE message SET status = 'pending', due_at = ?, held_reason = ? WHERE id = ?",
                                   arguments: [until.sqlText, reason, id])
                case .finish(let status, let error):
                    if let open = candidate.unsettled {
                        try Self.run(db, sql: "UPDATE message_attempt SET status = 'unknown', finished_at = ? WHERE id = ?",
                                       arguments: [now.sqlText, open.id])
                    }
                    try Self.run(db, sql: """
                        UPDATE message SET status = ?1, last_error = ?2, finished_at = ?3, held_reason = NULL,
                               sent_at = CASE WHEN ?1 = 'sent' THEN ?3 ELSE sent_at END
                        WHERE id = ?4
                        """, arguments: [status, error, now.sqlText, id])
                case .send(let order, let step, let consentID):
                    if let consentID {
                        try Self.run(db, sql: "UPDATE message_consent SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL",
                                       arguments: [now.sqlText, id, consentID])
                        if let accountID { consents[accountID]?.removeAll { $0.id == consentID } }
                    }
                    if !candidate.urgent, let accountID { recent[accountID, default: 0] += 1 }
                    if candidate.unsettled?.id != order.attemptID {
                        if let open = candidate.unsettled {
                            try Self.run(db, sql: "UPDATE message_attempt SET status = 'unknown', finished_at = ? WHERE id = ?",
                                           arguments: [now.sqlText, open.id])
                        }
                        try Self.run(db, sql: """
                            INSERT INTO message_attempt (id, message_id, channel, status, started_at) VALUES (?, ?, ?, 'sending', ?)
                            """, arguments: [order.attemptID, id, order.channel, now.sqlText])
                    }
                    try Self.run(db, sql: """
                        UPDATE message SET status = 'sending', due_at = ?, step = ?, channel = ?, held_reason = NULL,
                               attempts = attempts + ?
                        WHERE id = ?
                        """, arguments: [leaseUntil, step, order.channel, order.settling ? 0 : 1, id])
                    orders.append(order)
                }
            }
            return orders
        }
    }

    private static func applyFirstClaim(_ db: GRDB.Database, _ candidate: DispatchCandidate, _ decision: DispatchDecision,
                                        now: Date) throws {
        if let plan = decision.plan {
            try Self.run(db, sql: "UPDATE message SET plan = ? WHERE id = ?", arguments: [encodeList(plan), candidate.id])
        }
        if let inbox = decision.inbox, let accountID = candidate.accountID {
            try Self.run(db, sql: """
                INSERT OR IGNORE INTO inbox_item (id, account_id, person_id, event, title, body, page, urgent, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [candidate.id, accountID, candidate.personID, candidate.event, inbox.title, inbox.body,
                                 inbox.page, candidate.urgent, now.sqlText])
        }
    }

    /// Records how each send ended. `maxAttempts` turns the last retry into a dead letter.
    public func finish(_ results: [(SendOrder, SendOutcome)], now: Date, maxAttempts: Int) async throws {
        guard !results.isEmpty else { return }
        try await database.pool.write { db in
            for (order, outcome) in results {
                try Self.record(db, order, outcome, now: now, maxAttempts: maxAttempts)
            }
        }
    }

    private static func record(_ db: GRDB.Database, _ order: SendOrder, _ outcome: SendOutcome, now: Date,
                               maxAttempts: Int) throws {
        let at = now.sqlText
        switch outcome {
        case .accepted(let vendorID):
            try Self.run(db, sql: """
                UPDATE message_attempt SET status = 'accepted', vendor_message_id = ?, finished_at = ? WHERE id = ?
                """, arguments: [vendorID, at, order.attemptID])
            try Self.run(db, sql: """
                UPDATE message SET status = 'sent', channel = ?, vendor_message_id = ?, sent_at = ?, finished_at = ?,
                       last_error = NULL, held_reason = NULL
                WHERE id = ? AND status = 'sending'
                """, arguments: [order.channel, vendorID, at, at, order.messageID])
        case .fallBack(let code, let message):
            try failAttempt(db, order, outcome: "fall_back", code: code, message: message, at: at)
            try Self.run(db, sql: """
                UPDATE message SET status = 'pending', step = step + 1, fell_back = fell_back + 1, due_at = ?,
                       last_error = ?, held_reason = NULL
                WHERE id = ? AND status = 'sending'
                """, arguments: [at, code ?? message, order.messageID])
            if order.channel == "wechat_subscribe" || order.channel == "alipay", order.formID == nil {
                // The vendor says no consent is left: ours are stale (revoked in the app's settings).
                try Self.run(db, sql: """
                    UPDATE message_consent SET used_at = ?, used_by = 'refused_by_vendor'
                    WHERE account_id = (SELECT account_id FROM message WHERE id = ?) AND channel = ? AND template_id = ?
                      AND used_at IS NULL
                    """, arguments: [at, order.messageID, order.channel, order.templateID])
            }
        case .retry(let retryAt, let code, let message):
            try failAttempt(db, order, outcome: "retry", code: code, message: message, at: at)
            try Self.run(db, sql: """
                UPDATE message SET
                    status = CASE WHEN attempts >= ?1 THEN 'dead' ELSE 'pending' END,
                    due_at = ?2, held_reason = CASE WHEN attempts >= ?1 THEN NULL ELSE 'retry' END,
                    last_error = CASE WHEN attempts >= ?1 THEN 'attempts_exhausted: ' || ?3 ELSE ?3 END,
                    finished_at = CASE WHEN attempts >= ?1 THEN ?4 ELSE NULL END
                WHERE id = ?5 AND status = 'sending'
                """, arguments: [maxAttempts, retryAt.sqlText, code ?? message, at, order.messageID])
        case .unanswered(let retryAt, let message):
            try Self.run(db, sql: "UPDATE message_attempt SET error_message = ? WHERE id = ?",
                           arguments: [String(message.prefix(500)), order.attemptID])
            try Self.run(db, sql: "UPDATE message SET due_at = ?, last_error = 'unanswered' WHERE id = ? AND status = 'sending'",
                           arguments: [retryAt.sqlText, order.messageID])
        case .deadLetter(let reason, let code, let message):
            try failAttempt(db, order, outcome: "dead_letter", code: code, message: message, at: at)
            try Self.run(db, sql: """
                UPDATE message SET status = 'dead', last_error = ?, finished_at = ?, held_reason = NULL
                WHERE id = ? AND status = 'sending'
                """, arguments: [reason, at, order.messageID])
        }
    }

    private static func failAttempt(_ db: GRDB.Database, _ order: SendOrder, outcome: String, code: String?, message: String,
                                    at: String) throws {
        try Self.run(db, sql: """
            UPDATE message_attempt SET status = 'failed', outcome = ?, error_code = ?, error_message = ?, finished_at = ?
            WHERE id = ?
            """, arguments: [outcome, code, String(message.prefix(500)), at, order.attemptID])
    }

    /// Applies delivery receipts of one channel (SMS receipts by the gateway's BizId, WeChat's
    /// TEMPLATESENDJOBFINISH by msgid). A receipt already applied changes nothing. An undelivered
    /// urgent message falls back to its next channel when it has one. Returns how many receipts
    /// matched an attempt not yet reported on.
    @discardableResult
    public func applyReceipts(_ receipts: [DeliveryReceipt], channel: String, now: Date) async throws -> Int {
        try await database.pool.write { db in
            var applied = 0
            for receipt in receipts {
                guard let attempt = try Row.fetchOne(db, sql: """
                    SELECT a.id, a.message_id, m.urgent, m.step, m.plan FROM message_attempt a JOIN message m ON m.id = a.message_id
                    WHERE a.vendor_message_id = ? AND a.channel = ? AND a.receipt_at IS NULL
                    """, arguments: [receipt.vendorMessageID, channel]) else { continue }
                applied += 1
                let messageID: String = attempt["message_id"]
                try Self.run(db, sql: """
                    UPDATE message_attempt SET status = ?, receipt_at = ?, error_code = CASE WHEN ? THEN error_code ELSE ? END
                    WHERE id = ?
                    """, arguments: [receipt.delivered ? "delivered" : "undelivered", receipt.reportedAt.sqlText,
                                     receipt.delivered, receipt.errorCode, attempt["id"] as String])
                if receipt.delivered {
                    try Self.run(db, sql: "UPDATE message SET status = 'delivered', delivered_at = ? WHERE id = ? AND status = 'sent'",
                                   arguments: [receipt.reportedAt.sqlText, messageID])
                } else if attempt["urgent"] as Bool, (attempt["step"] as Int) + 1 < Self.decodeList(attempt["plan"]).count {
                    try Self.run(db, sql: """
                        UPDATE message SET status = 'pending', step = step + 1, fell_back = fell_back + 1, due_at = ?,
                               last_error = ?, finished_at = NULL
                        WHERE id = ? AND status = 'sent'
                        """, arguments: [now.sqlText, receipt.errorCode, messageID])
                } else {
                    try Self.run(db, sql: "UPDATE message SET status = 'failed', last_error = ? WHERE id = ? AND status = 'sent'",
                                   arguments: [receipt.errorCode, messageID])
                }
            }
            return applied
        }
    }

    // MARK: Reads inside the claim

    private static func openConsents(_ db: GRDB.Database, accounts: [String]) throws -> [String: [DispatchCandidate.Consent]] {
        guard !accounts.isEmpty else { return [:] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, account_id, channel, template_id, form_id FROM message_consent
            WHERE used_at IS NULL AND account_id IN (\(placeholders(accounts.count))) ORDER BY granted_at, id
            """, arguments: StatementArguments(accounts))
        return Dictionary(grouping: rows, by: { $0["account_id"] as String }).mapValues { rows in
            rows.map { DispatchCandidate.Consent(id: $0["id"], channel: $0["channel"], templateID: $0["template_id"],
                                                 formID: $0["form_id"]) }
        }
    }

    private static func recentSends(_ db: GRDB.Database, accounts: [String], since: Date) throws -> [String: Int] {
        guard !accounts.isEmpty else { return [:] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT account_id, count(*) AS n FROM message
            WHERE account_id IN (\(placeholders(accounts.count))) AND urgent = 0 AND sent_at >= ?
            GROUP BY account_id
            """, arguments: StatementArguments(accounts + [since.sqlText]))
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["account_id"] as String, $0["n"] as Int) })
    }

    private static func unsettledAttempts(_ db: GRDB.Database, messages: [String]) throws
        -> [String: DispatchCandidate.UnsettledAttempt] {
        guard !messages.isEmpty else { return [:] }
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, message_id, channel FROM message_attempt
            WHERE status = 'sending' AND message_id IN (\(placeholders(messages.count)))
            """, arguments: StatementArguments(messages))
        return Dictionary(rows.map { ($0["message_id"] as String, DispatchCandidate.UnsettledAttempt(id: $0["id"], channel: $0["channel"])) },
                          uniquingKeysWith: { a, _ in a })
    }

    /// One statement through the connection's statement cache: the dispatcher runs the same few
    /// statements thousands of times a second.
    static func run(_ db: GRDB.Database, sql: String, arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }

    static func decodeStrings(_ text: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }

    static func decodeList(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    static func encodeList(_ list: [String]) -> String {
        "[" + list.map { "\"\($0)\"" }.joined(separator: ",") + "]"
    }
}
