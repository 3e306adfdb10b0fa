import Foundation
import GRDB

/// A clinic session as the operations console lists it: who, when, how full, and how many
/// residents a suspension (bookings not yet checked in) or a substitution (all live ones) reaches.
public struct StaffSessionRow: Sendable, Codable, FetchableRecord {
    public var id: String
    public var hospitalCode: String
    public var day: String
    public var period: String
    public var status: String
    public var departmentName: String
    public var resourceName: String
    public var doctorName: String?
    public var substituteName: String?
    public var capacity: Int
    public var taken: Int
    public var remaining: Int
    /// Bookings a suspension cancels (locked or confirmed).
    public var suspendable: Int
    /// Bookings a substitution tells (locked, confirmed or checked in).
    public var substitutable: Int
}

public struct NamedCode: Sendable, Codable, FetchableRecord {
    public var id: String
    public var code: String
    public var name: String
}

extension ScheduleStore {
    /// One row per clinic session with its places and the bookings a change would reach; the
    /// caller adds the WHERE clause.
    private static let staffSessionSelect = """
        SELECT cs.id, cs.hospital_code AS hospitalCode, cs.day, cs.period, cs.status, d.name AS departmentName, r.name AS resourceName,
               doc.name AS doctorName, sub.name AS substituteName,
               COALESCE((SELECT SUM(s.capacity + s.extra) FROM slot s WHERE s.session_id = cs.id), 0) AS capacity,
               COALESCE((SELECT SUM(s.taken) FROM slot s WHERE s.session_id = cs.id), 0) AS taken,
               COALESCE((SELECT SUM(MAX(0, s.capacity - s.reserved + s.extra - s.taken)) FROM slot s WHERE s.session_id = cs.id), 0)
                   AS remaining,
               (SELECT COUNT(*) FROM booking b WHERE b.session_id = cs.id AND b.state IN ('locked', 'confirmed')) AS suspendable,
               (SELECT COUNT(*) FROM booking b WHERE b.session_id = cs.id AND b.state IN ('locked', 'confirmed', 'checked_in'))
                   AS substitutable
        FROM clinic_session cs
        JOIN department d ON d.id = cs.department_id
        JOIN resource r ON r.id = cs.resource_id
        LEFT JOIN doctor doc ON doc.id = r.doctor_id
        LEFT JOIN doctor sub ON sub.id = cs.substitute_doctor_id
        """

    public func staffSessions(hospitalCode: String, day: String, departmentID: String?) async throws -> [StaffSessionRow] {
        try await database.pool.read { db in
            try StaffSessionRow.fetchAll(db, sql: Self.staffSessionSelect + "\n" + """
                WHERE cs.hospital_code = ?1 AND cs.day = ?2 AND (?3 IS NULL OR cs.department_id = ?3)
                ORDER BY d.name, CASE cs.period WHEN 'morning' THEN 0 WHEN 'afternoon' THEN 1 ELSE 2 END, r.name
                """, arguments: [hospitalCode, day, departmentID])
        }
    }

    public func staffSession(id: String) async throws -> StaffSessionRow? {
        try await database.pool.read { db in
            try StaffSessionRow.fetchOne(db, sql: Self.staffSessionSelect + "\nWHERE cs.id = ?", arguments: [id])
        }
    }

    public func hospitals() async throws -> [NamedCode] {
        try await database.pool.read { db in
            try NamedCode.fetchAll(db, sql: "SELECT code AS id, code, name FROM hospital ORDER BY code")
        }
    }

    public func departments(hospitalCode: String) async throws -> [NamedCode] {
        try await database.pool.read { db in
            try NamedCode.fetchAll(db, sql: "SELECT id, code, name FROM department WHERE hospital_code = ? AND active = 1 ORDER BY code",
                                   arguments: [hospitalCode])
        }
    }

    public func doctors(hospitalCode: String) async throws -> [NamedCode] {
        try await database.pool.read { db in
            try NamedCode.fetchAll(db, sql: "SELECT id, code, name FROM doctor WHERE hospital_code = ? AND active = 1 ORDER BY name",
                                   arguments: [hospitalCode])
        }
    }
}
