import Foundation
import GRDB
import HuiminCore

/// Residents made in bulk for the messaging benchmarks: registering 100,000 through the API would
/// take longer than the benchmark itself. Each is a WeChat account with a real-named `self` member.
public enum BenchSeeding {
    /// One resident's sealed personal data, sealed by the caller with the configured profile.
    public struct Resident: Sendable {
        public let openID: String
        public let nameSealed: Data
        public let idNumberIndex: String
        public let idNumberSealed: Data
        public let phoneIndex: String
        public let phoneSealed: Data

        public init(openID: String, nameSealed: Data, idNumberIndex: String, idNumberSealed: Data, phoneIndex: String,
                    phoneSealed: Data) {
            self.openID = openID
            self.nameSealed = nameSealed
            self.idNumberIndex = idNumberIndex
            self.idNumberSealed = idNumberSealed
            self.phoneIndex = phoneIndex
            self.phoneSealed = phoneSealed
        }
    }

    /// Inserts the residents in one transaction; ones whose openid exists already are skipped.
    /// Returns how many were added.
    public static func insert(_ residents: [Resident], appID: String, database: AppDatabase, now: Date) async throws -> Int {
        try await database.pool.write { db in
            var added = 0
            let account = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO account (id, channel, app_id, channel_user_id, created_at, last_login_at)
                VALUES (?, 'wechat', ?, ?, ?, ?)
                """)
            let person = try db.cachedStatement(sql: """
                INSERT INTO person (id, id_number_index, id_number_sealed, name_sealed, phone_index, phone_sealed, sex, birth_date,
                                    created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'female', '1980-01-01', ?, ?)
                """)
            let member = try db.cachedStatement(sql: """
                INSERT INTO family_member (id, account_id, person_id, relation, is_default, created_at) VALUES (?, ?, ?, 'self', 1, ?)
                """)
            for resident in residents {
                let accountID = TypedID.ordered("acc", at: now), personID = TypedID.ordered("per", at: now)
                try account.execute(arguments: [accountID, appID, resident.openID, now.sqlText, now.sqlText])
                guard db.changesCount == 1 else { continue }
                try person.execute(arguments: [personID, resident.idNumberIndex, resident.idNumberSealed, resident.nameSealed,
                                               resident.phoneIndex, resident.phoneSealed, now.sqlText, now.sqlText])
                try member.execute(arguments: [TypedID.ordered("mem", at: now), accountID, personID, now.sqlText])
                added += 1
            }
            return added
        }
    }
}
