import Foundation
import GRDB
import HuiminCore

/// Hospitals' catalogs (campuses, departments in two levels, doctors, bookable resources): the
/// bulk upsert hospitals keep them with, and the reads residents browse. Residents hammer the
/// reads when a day is released, so each listing is one cached statement.
public final class CatalogStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func hospitalExists(code: String) async throws -> Bool {
        try await database.pool.read { db in try Self.hospitalExists(db, code: code) }
    }

    static func hospitalExists(_ db: GRDB.Database, code: String) throws -> Bool {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM hospital WHERE code = ?"), arguments: [code])! > 0
    }

    /// Every hospital with its campuses.
    public func hospitals() async throws -> [HospitalRecord] {
        try await database.pool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT h.code, h.name, c.code AS campus_code, c.name AS campus_name, c.address
                FROM hospital h LEFT JOIN campus c ON c.hospital_code = h.code
                ORDER BY h.code, c.code
                """)
            var out: [HospitalRecord] = []
            for row in try Row.fetchAll(statement) {
                let code: String = row["code"]
                if out.last?.code != code { out.append(HospitalRecord(code: code, name: row["name"], campuses: [])) }
                if let campus = row["campus_code"] as String? {
                    out[out.count - 1].campuses.append(CampusRecord(code: campus, name: row["campus_name"], address: row["address"]))
                }
            }
            return out
        }
    }

    static let departmentColumns = """
        d.id, d.hospital_code, d.code, d.parent_id, d.name, d.introduction, d.min_age, d.max_age, d.sex,
        c.code AS campus_code, c.name AS campus_name, c.address AS campus_address
        """

    static func department(_ row: Row) -> DepartmentRecord {
        DepartmentRecord(
            id: row["id"], hospitalCode: row["hospital_code"], code: row["code"], parentId: row["parent_id"], name: row["name"],
            introduction: row["introduction"], minAge: row["min_age"], maxAge: row["max_age"], sex: row["sex"],
            campus: (row["campus_code"] as String?).map { CampusRecord(code: $0, name: row["campus_name"], address: row["campus_address"]) })
    }

    /// A hospital's active departments, top-level ones first; nil when the hospital is unknown.
    public func departments(hospitalCode: String) async throws -> [DepartmentRecord]? {
        try await database.pool.read { db in
            guard try Self.hospitalExists(db, code: hospitalCode) else { return nil }
            let statement = try db.cachedStatement(sql: """
                SELECT \(Self.departmentColumns) FROM department d LEFT JOIN campus c ON c.id = d.campus_id
                WHERE d.hospital_code = ? AND d.active = 1
                ORDER BY d.parent_id IS NOT NULL, d.code
                """)
            return try Row.fetchAll(statement, arguments: [hospitalCode]).map(Self.department)
        }
    }

    public func department(id: String) async throws -> DepartmentRecord? {
        try await database.pool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT \(Self.departmentColumns) FROM department d LEFT JOIN campus c ON c.id = d.campus_id
                WHERE d.id = ? AND d.active = 1
                """)
            return try Row.fetchOne(statement, arguments: [id]).map(Self.department)
        }
    }

    /// A department's ID from the hospital's own code.
    public func departmentID(hospitalCode: String, code: String) async throws -> String? {
        try await database.pool.read { db in
            try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM department WHERE hospital_code = ? AND code = ?"),
                                arguments: [hospitalCode, code])
        }
    }

    static let doctorColumns = """
        doc.id AS doctor_id, doc.hospital_code AS doctor_hospital, doc.code AS doctor_code, doc.name AS doctor_name,
        doc.title, doc.specialties, doc.introduction AS doctor_introduction, doc.photo_url
        """

    static func doctor(_ row: Row, resourceIds: [String] = []) -> DoctorRecord? {
        guard let id = row["doctor_id"] as String? else { return nil }
        return DoctorRecord(id: id, hospitalCode: row["doctor_hospital"], code: row["doctor_code"], name: row["doctor_name"],
                            title: row["title"], specialties: decodeSpecialties(row["specialties"]),
                            introduction: row["doctor_introduction"], photoUrl: row["photo_url"], resourceIds: resourceIds)
    }

    /// A department's active resources with their doctors, in the hospital's code order.
    public func resources(departmentID: String) async throws -> [ResourceRecord] {
        try await database.pool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT r.id, r.kind, r.name, r.notes, \(Self.doctorColumns)
                FROM resource r LEFT JOIN doctor doc ON doc.id = r.doctor_id
                WHERE r.department_id = ? AND r.active = 1
                ORDER BY r.code
                """)
            return try Row.fetchAll(statement, arguments: [departmentID]).map { row in
                ResourceRecord(id: row["id"], kind: row["kind"], name: row["name"], notes: row["notes"], doctor: Self.doctor(row))
            }
        }
    }

    /// Departments and doctors whose names contain `text` (case-insensitive for Latin letters;
    /// `instr` needs no LIKE escaping of % and _), at most `limit` of each.
    public func search(_ text: String, hospitalCode: String?, limit: Int) async throws -> (departments: [DepartmentRecord], doctors: [DoctorRecord]) {
        try await database.pool.read { db in
            let departments = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(Self.departmentColumns) FROM department d LEFT JOIN campus c ON c.id = d.campus_id
                WHERE d.active = 1 AND instr(lower(d.name), lower(?1)) > 0 AND (?2 IS NULL OR d.hospital_code = ?2)
                ORDER BY d.hospital_code, d.code LIMIT ?3
                """), arguments: [text, hospitalCode, limit]).map(Self.department)
            let doctors = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(Self.doctorColumns),
                       (SELECT group_concat(r.id, ' ') FROM resource r WHERE r.doctor_id = doc.id AND r.active = 1) AS resource_ids
                FROM doctor doc
                WHERE doc.active = 1 AND instr(lower(doc.name), lower(?1)) > 0 AND (?2 IS NULL OR doc.hospital_code = ?2)
                ORDER BY doc.hospital_code, doc.code LIMIT ?3
                """), arguments: [text, hospitalCode, limit]).compactMap { row in
                Self.doctor(row, resourceIds: ((row["resource_ids"] as String?) ?? "").split(separator: " ").map(String.init).sorted())
            }
            return (departments, doctors)
        }
    }
}
