import Foundation
import GRDB
import HuiminCore

/// The in-app inbox as its owner reads it. The dispatcher writes the items (DispatchStore); this
/// store only lists them and marks them read, always within one account: an item of another
/// account is simply not found.
public final class InboxStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public struct Item: Sendable, Equatable {
        public var id: String
        public var accountId: String
        public var personId: String?
        public var event: String
        public var title: String
        public var body: String
        public var page: String?
        public var urgent: Bool
        public var createdAt: Date
        public var readAt: Date?

        public var keyset: Keyset { Keyset(createdAt: createdAt, id: id) }
    }

    public struct Filter: Sendable {
        public var accountID: String
        /// Only the items about this person (a family member's person).
        public var personID: String?
        public var unreadOnly: Bool

        public init(accountID: String, personID: String? = nil, unreadOnly: Bool = false) {
            self.accountID = accountID
            self.personID = personID
            self.unreadOnly = unreadOnly
        }
    }

    /// Newest first, below `after` when given.
    public func items(_ filter: Filter, after: Keyset?, limit: Int) async throws -> KeysetPage<Item> {
        try await database.pool.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM inbox_item
                WHERE account_id = ?1 AND (?2 IS NULL OR person_id = ?2) AND (?3 = 0 OR read_at IS NULL)
                  AND (?4 IS NULL OR (created_at, id) < (?4, ?5))
                ORDER BY created_at DESC, id DESC LIMIT ?6
                """, arguments: [filter.accountID, filter.personID, filter.unreadOnly, after?.at, after?.id, limit + 1])
            return KeysetPage(rows: rows.map(Self.item), limit: limit, key: \.keyset)
        }
    }

    public func unreadCount(accountID: String) async throws -> Int {
        try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM inbox_item WHERE account_id = ? AND read_at IS NULL",
                             arguments: [accountID]) ?? 0
        }
    }

    /// Marks one item read (the first reading's time is kept); nil when the account has no such item.
    public func markRead(accountID: String, id: String, now: Date) async throws -> Item? {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE inbox_item SET read_at = ? WHERE id = ? AND account_id = ? AND read_at IS NULL",
                           arguments: [now, id, accountID])
            return try Row.fetchOne(db, sql: "SELECT * FROM inbox_item WHERE id = ? AND account_id = ?", arguments: [id, accountID])
                .map(Self.item)
        }
    }

    /// Marks every unread item of the account read; returns how many were unread.
    public func markAllRead(accountID: String, now: Date) async throws -> Int {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE inbox_item SET read_at = ? WHERE account_id = ? AND read_at IS NULL", arguments: [now, accountID])
            return db.changesCount
        }
    }

    static func item(_ row: Row) -> Item {
        Item(id: row["id"], accountId: row["account_id"], personId: row["person_id"], event: row["event"], title: row["title"],
             body: row["body"], page: row["page"], urgent: row["urgent"], createdAt: row["created_at"], readAt: row["read_at"])
    }
}
