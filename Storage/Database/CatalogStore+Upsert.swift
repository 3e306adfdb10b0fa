import Foundation
import GRDB
import HuiminCore

/// The catalog bulk upsert: one transaction, keyed by (hospital, code) so IDs never change, and
/// no write at all for rows that did not change (the HIS resends its whole catalog nightly).
extension CatalogStore {
    /// Applies `payload` (already shape-checked) for `hospitalCode`. Every reference is checked
    /// against the body and the stored catalog together; any error leaves nothing written.
    public func upsert(hospitalCode: String, payload: CatalogPayload, actor: AuditActor, now: Date) async throws -> UpsertCounts {
        try await database.pool.write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM hospital WHERE code = ?", arguments: [hospitalCode])! > 0 else {
                throw AppError.notFound("hospital_unknown", "No hospital with code \(hospitalCode).")
            }
            var counts = UpsertCounts()
            let campusIDs = try Self.upsertCampuses(db, hospitalCode, payload.campuses, now, &counts)
            let departmentIDs = try Self.upsertDepartments(db, hospitalCode, payload.departments, campusIDs, now, &counts)
            let doctorIDs = try Self.upsertDoctors(db, hospitalCode, payload.doctors, now, &counts)
            try Self.upsertResources(db, hospitalCode, payload.resources, departmentIDs, doctorIDs, now, &counts)
            if counts.changed {
                try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "catalog.upsert",
                                            subjectKind: "hospital", subjectID: hospitalCode,
                                            detail: "created=\(counts.created) updated=\(counts.updated) unchanged=\(counts.unchanged)",
                                            now: now)
            }
            return counts
        }
    }

    /// Inserts, updates or leaves one row; `values` are compared with what is stored.
    private static func apply(_ db: GRDB.Database, table: String, id: String, hospitalCode: String, code: String,
                              stored: Row?, values: [(String, DatabaseValue)], now: Date, counts: inout UpsertCounts) throws {
        if let stored {
            guard values.contains(where: { column, value in stored[column] as DatabaseValue != value }) else {
                counts.unchanged += 1
                return
            }
            let assignments = values.map { "\($0.0) = ?" }.joined(separator: ", ")
            try db.execute(sql: "UPDATE \(table) SET \(assignments), updated_at = ? WHERE id = ?",
                           arguments: StatementArguments(values.map(\.1) + [now.databaseValue, id.databaseValue]))
            counts.updated += 1
        } else {
            let columns = ["id", "hospital_code", "code"] + values.map(\.0) + ["updated_at"]
            let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
            try db.execute(sql: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))",
                           arguments: StatementArguments([id.databaseValue, hospitalCode.databaseValue, code.databaseValue]
                                                         + values.map(\.1) + [now.databaseValue]))
            counts.created += 1
        }
    }

    private static func stored(_ db: GRDB.Database, table: String, hospitalCode: String) throws -> [String: Row] {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE hospital_code = ?", arguments: [hospitalCode])
        return Dictionary(rows.map { ($0["code"] as String, $0) }, uniquingKeysWith: { a, _ in a })
    }

    private static func upsertCampuses(_ db: GRDB.Database, _ hospital: String, _ campuses: [CatalogPayload.Campus], _ now: Date,
                                       _ counts: inout UpsertCounts) throws -> [String: String] {
        let stored = try stored(db, table: "campus", hospitalCode: hospital)
        var ids = stored.mapValues { $0["id"] as String }
        for campus in campuses {
            let id = ids[campus.code] ?? TypedID.make("cmp")
            ids[campus.code] = id
            try apply(db, table: "campus", id: id, hospitalCode: hospital, code: campus.code, stored: stored[campus.code],
                      values: [("name", campus.name.databaseValue), ("address", (campus.address ?? "").databaseValue)],
                      now: now, counts: &counts)
        }
        return ids
    }

    /// Two levels only: a parent must be top-level once this upsert is done, and a department
    /// that keeps children cannot become someone's child.
    private static func upsertDepartments(_ db: GRDB.Database, _ hospital: String, _ departments: [CatalogPayload.Department],
                                          _ campusIDs: [String: String], _ now: Date, _ counts: inout UpsertCounts) throws -> [String: String] {
        let stored = try stored(db, table: "department", hospitalCode: hospital)
        let storedCodeByID = Dictionary(stored.values.map { ($0["id"] as String, $0["code"] as String) }, uniquingKeysWith: { a, _ in a })
        // Each department's parent code after the upsert: the body's word for sent ones, the stored one for the rest.
        var parentOf: [String: String?] = [:]
        for (code, row) in stored { parentOf[code] = (row["parent_id"] as String?).flatMap { storedCodeByID[$0] } }
        for department in departments { parentOf[department.code] = department.parentCode }
        for department in departments {
            if let campus = department.campusCode, campusIDs[campus] == nil {
                throw AppError.invalid("campus_unknown", "Department \(department.code) names campus \(campus), which is not in the catalog.")
            }
            guard let parent = department.parentCode else { continue }
            guard parent != department.code else {
                throw AppError.invalid("department_too_deep", "Department \(department.code) cannot be its own parent.")
            }
            guard let grandparent = parentOf[parent] else {
                throw AppError.invalid("department_unknown", "Department \(department.code) names parent \(parent), which is not in the catalog.")
            }
            if grandparent != nil {
                throw AppError.invalid("department_too_deep",
                    "Department \(department.code) names parent \(parent), which is itself a sub-department; departments have two levels.")
            }
            if let child = parentOf.first(where: { $0.value == department.code })?.key {
                throw AppError.invalid("department_too_deep",
                    "Department \(department.code) has sub-department \(child), so it cannot sit under \(parent); departments have two levels.")
            }
        }
        var ids = stored.mapValues { $0["id"] as String }
        for department in departments where ids[department.code] == nil { ids[department.code] = TypedID.make("dep") }
        // Parents first, so a new child's parent row exists when the child is inserted.
        for department in departments.sorted(by: { ($0.parentCode == nil ? 0 : 1) < ($1.parentCode == nil ? 0 : 1) }) {
            let values: [(String, DatabaseValue)] = [
                ("parent_id", department.parentCode.flatMap { ids[$0] }.databaseValue),
                ("campus_id", department.campusCode.flatMap { campusIDs[$0] }.databaseValue),
                ("name", department.name.databaseValue),
                ("introduction", (department.introduction ?? "").databaseValue),
                ("min_age", department.minAge.databaseValue),
                ("max_age", department.maxAge.databaseValue),
                ("sex", department.sex.databaseValue),
                ("active", 1.databaseValue),
            ]
            try apply(db, table: "department", id: ids[department.code]!, hospitalCode: hospital, code: department.code,
                      stored: stored[department.code], values: values, now: now, counts: &counts)
        }
        return ids
    }

    private static func upsertDoctors(_ db: GRDB.Database, _ hospital: String, _ doctors: [CatalogPayload.Doctor], _ now: Date,
                                      _ counts: inout UpsertCounts) throws -> [String: String] {
        let stored = try stored(db, table: "doctor", hospitalCode: hospital)
        var ids = stored.mapValues { $0["id"] as String }
        for doctor in doctors {
            let id = ids[doctor.code] ?? TypedID.make("doc")
            ids[doctor.code] = id
            let values: [(String, DatabaseValue)] = [
                ("name", doctor.name.databaseValue),
                ("title", (doctor.title ?? "").databaseValue),
                ("specialties", encodeSpecialties(doctor.specialties ?? []).databaseValue),
                ("introduction", (doctor.introduction ?? "").databaseValue),
                ("photo_url", (doctor.photoUrl ?? "").databaseValue),
                ("active", 1.databaseValue),
            ]
            try apply(db, table: "doctor", id: id, hospitalCode: hospital, code: doctor.code, stored: stored[doctor.code],
                      values: values, now: now, counts: &counts)
        }
        return ids
    }

    private static func upsertResources(_ db: GRDB.Database, _ hospital: String, _ resources: [CatalogPayload.Resource],
                                        _ departmentIDs: [String: String], _ doctorIDs: [String: String], _ now: Date,
                                        _ counts: inout UpsertCounts) throws {
        let stored = try stored(db, table: "resource", hospitalCode: hospital)
        for resource in resources {
            guard let department = departmentIDs[resource.departmentCode] else {
                throw AppError.invalid("department_unknown",
                    "Resource \(resource.code) names department \(resource.departmentCode), which is not in the catalog.")
            }
            var doctor: String?
            if let code = resource.doctorCode {
                guard let id = doctorIDs[code] else {
                    throw AppError.invalid("doctor_unknown", "Resource \(resource.code) names doctor \(code), which is not in the catalog.")
                }
                doctor = id
            }
            let previous = stored[resource.code]
            let id = (previous?["id"] as String?) ?? TypedID.make("rsc")
            let values: [(String, DatabaseValue)] = [
                ("kind", resource.kind.databaseValue),
                ("department_id", department.databaseValue),
                ("doctor_id", doctor.databaseValue),
                ("name", resource.name.databaseValue),
                ("notes", (resource.notes ?? "").databaseValue),
                ("active", 1.databaseValue),
            ]
            try apply(db, table: "resource", id: id, hospitalCode: hospital, code: resource.code, stored: previous,
                      values: values, now: now, counts: &counts)
            // A clinic moved to another department is browsed, and its policy read, under the new one.
            if let previous, previous["department_id"] as String != department {
                try db.execute(sql: "UPDATE clinic_session SET department_id = ?, updated_at = ? WHERE resource_id = ?",
                               arguments: [department, now, id])
            }
        }
    }

    static func encodeSpecialties(_ specialties: [String]) -> String {
        let data = (try? JSONEncoder().encode(specialties)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decodeSpecialties(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}
