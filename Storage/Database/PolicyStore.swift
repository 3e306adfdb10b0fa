import Foundation
import GRDB
import HuiminCore

/// Booking policies as their JSON: one per hospital (department_id = '') and optional partial
/// overrides per department. The Appointments module merges and checks them.
public final class PolicyStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// The hospital's stored policy and the department's override, either possibly absent.
    public struct Layers: Sendable {
        public var hospital: Data?
        public var department: Data?
    }

    public func layers(hospitalCode: String, departmentID: String?) async throws -> Layers {
        try await database.pool.read { db in try Self.layers(db, hospitalCode: hospitalCode, departmentID: departmentID) }
    }

    static func layers(_ db: GRDB.Database, hospitalCode: String, departmentID: String?) throws -> Layers {
        let statement = try db.cachedStatement(sql: "SELECT department_id, policy FROM booking_policy WHERE hospital_code = ? AND department_id IN ('', ?)")
        var layers = Layers()
        // By position: this runs inside every booking's transaction.
        for (department, policy) in try statement.positionalRows([hospitalCode, departmentID ?? ""], { row in
            (try row[0] as String, try row[1] as String)
        }) {
            if department.isEmpty {
                layers.hospital = Data(policy.utf8)
            } else {
                layers.department = Data(policy.utf8)
            }
        }
        return layers
    }

    /// Stores a policy (department nil for the hospital's own) with its audit entry.
    public func save(hospitalCode: String, departmentID: String?, policy: Data, actor: AuditActor, now: Date) async throws {
        try await database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO booking_policy (hospital_code, department_id, policy, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (hospital_code, department_id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at
                """, arguments: [hospitalCode, departmentID ?? "", String(decoding: policy, as: UTF8.self), now])
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "policy.save",
                                        subjectKind: departmentID == nil ? "hospital" : "department",
                                        subjectID: departmentID ?? hospitalCode, detail: String(decoding: policy, as: UTF8.self), now: now)
        }
    }
}
