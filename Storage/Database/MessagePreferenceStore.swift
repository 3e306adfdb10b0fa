import Foundation
import GRDB
import HuiminCore

/// The push channels each resident wants, in order. No row means the platform's default order.
public final class MessagePreferenceStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public struct Preference: Sendable, Equatable {
        public var channels: [String]
        public var updatedAt: Date
    }

    public func preference(accountID: String) async throws -> Preference? {
        try await database.pool.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT channels, updated_at FROM message_preference WHERE account_id = ?",
                                             arguments: [accountID]) else { return nil }
            let channels = (try? JSONDecoder().decode([String].self, from: Data((row["channels"] as String).utf8))) ?? []
            return Preference(channels: channels, updatedAt: row["updated_at"])
        }
    }

    public func save(accountID: String, channels: [String], now: Date) async throws -> Preference {
        let json = String(decoding: try JSONEncoder().encode(channels), as: UTF8.self)
        try await database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO message_preference (account_id, channels, updated_at) VALUES (?, ?, ?)
                ON CONFLICT (account_id) DO UPDATE SET channels = excluded.channels, updated_at = excluded.updated_at
                """, arguments: [accountID, json, now])
        }
        return Preference(channels: channels, updatedAt: now)
    }
}
