import Foundation
import GRDB

/// Storage accounting and the sweep's view of which blobs are still wanted.
extension ImagingStore {
    public struct HospitalUsage: Codable, FetchableRecord, Sendable {
        public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
        public var hospitalCode: String
        public var blobs: Int
        public var bytes: Int64
    }

    /// Bytes each hospital's references hold (a blob two hospitals share counts for both).
    public func usageByHospital() async throws -> [HospitalUsage] {
        try await database.pool.read { db in
            try HospitalUsage.fetchAll(db, sql: """
                SELECT r.hospital_code, COUNT(*) AS blobs, COALESCE(SUM(b.size), 0) AS bytes
                FROM (SELECT DISTINCT hospital_code, sha256 FROM blob_ref) r JOIN blob b ON b.sha256 = r.sha256
                GROUP BY r.hospital_code ORDER BY r.hospital_code
                """)
        }
    }

    public func isReferenced(_ sha256: String) async throws -> Bool {
        try await database.pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM blob_ref WHERE sha256 = ?)", arguments: [sha256]) ?? false
        }
    }

    /// Forgets a blob the sweep removed, unless a reference arrived in the meantime.
    public func forgetBlob(_ sha256: String) async throws {
        try await database.pool.write { db in
            try db.execute(sql: """
                DELETE FROM blob WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM blob_ref WHERE sha256 = ?)
                """, arguments: [sha256, sha256])
        }
    }
}
