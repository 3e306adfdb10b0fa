import Foundation
import GRDB
import HuiminCore

/// What residents browse at release time (sessions, segments, places left) and 加号. Retired
/// segments (taken out of the schedule but still named by old bookings) have no places and are
/// not shown.
extension ScheduleStore {
    static let visibleSlot = "(s.capacity + s.extra > 0 OR s.taken > 0)"
    static let slotColumns = """
        s.id, s.session_id, s.starts_at, s.ends_at, s.registration_type, s.fee_fen, s.capacity, s.reserved, s.extra, s.taken,
        (SELECT COUNT(*) FROM booking b WHERE b.slot_id = s.id AND b.state = 'locked' AND b.lock_expires_at <= ?) AS expired
        """
    static let periodOrder = "CASE cs.period WHEN 'morning' THEN 0 WHEN 'afternoon' THEN 1 ELSE 2 END"

    static func slot(_ row: Row) -> SlotRecord {
        SlotRecord(id: row["id"], sessionId: row["session_id"], startsAt: row["starts_at"], endsAt: row["ends_at"],
                   registrationType: row["registration_type"], feeFen: row["fee_fen"], capacity: row["capacity"],
                   reserved: row["reserved"], extra: row["extra"], taken: row["taken"], expiredLocks: row["expired"])
    }

    /// Every segment of a department's sessions from `from` to `to` (inclusive), in one query.
    public func daySlots(departmentID: String, from: String, to: String, now: Date) async throws -> [SessionDaySlot] {
        try await database.pool.read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT cs.resource_id, cs.id AS session_id, cs.day, cs.period, cs.status, s.starts_at,
                       s.capacity - s.reserved + s.extra - s.taken
                       + (SELECT COUNT(*) FROM booking b WHERE b.slot_id = s.id AND b.state = 'locked' AND b.lock_expires_at <= ?) AS remaining
                FROM clinic_session cs
                LEFT JOIN slot s ON s.session_id = cs.id AND \(Self.visibleSlot)
                WHERE cs.department_id = ? AND cs.day BETWEEN ? AND ?
                ORDER BY cs.resource_id, cs.day, \(Self.periodOrder), s.starts_at
                """)
            return try Row.fetchAll(statement, arguments: [now, departmentID, from, to]).map { row in
                SessionDaySlot(resourceId: row["resource_id"], sessionId: row["session_id"], day: row["day"], period: row["period"],
                               status: row["status"], startsAt: row["starts_at"], remaining: max(0, (row["remaining"] as Int?) ?? 0))
            }
        }
    }

    /// A session, its doctor (and substitute) and its visible segments, read in one snapshot.
    public func session(id: String, now: Date) async throws -> (session: SessionRecord, slots: [SlotRecord])? {
        try await database.pool.read { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                SELECT cs.id, cs.hospital_code, cs.department_id, cs.resource_id, cs.day, cs.period, cs.status,
                       cs.substitute_doctor_id, r.doctor_id
                FROM clinic_session cs JOIN resource r ON r.id = cs.resource_id WHERE cs.id = ?
                """), arguments: [id]) else { return nil }
            func doctor(_ id: String?) throws -> DoctorRecord? {
                guard let id else { return nil }
                return try Row.fetchOne(db.cachedStatement(sql: "SELECT \(CatalogStore.doctorColumns) FROM doctor doc WHERE doc.id = ?"),
                                        arguments: [id]).flatMap { CatalogStore.doctor($0) }
            }
            let session = SessionRecord(id: row["id"], hospitalCode: row["hospital_code"], departmentId: row["department_id"],
                                        resourceId: row["resource_id"], day: row["day"], period: row["period"], status: row["status"],
                                        doctor: try doctor(row["doctor_id"]), substituteDoctor: try doctor(row["substitute_doctor_id"]))
            let slots = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT \(Self.slotColumns) FROM slot s WHERE s.session_id = ? AND \(Self.visibleSlot) ORDER BY s.starts_at
                """), arguments: [now, id]).map(Self.slot)
            return (session, slots)
        }
    }

    /// 加号: staff add `count` places to a segment, audited with their reason in the same
    /// transaction. Nil when there is no such segment.
    public func addExtra(slotID: String, count: Int, reason: String, actor: AuditActor, now: Date) async throws -> SlotRecord? {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE slot SET extra = extra + ?, updated_at = ? WHERE id = ?", arguments: [count, now, slotID])
            guard db.changesCount == 1 else { return nil }
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "slot.extra", subjectKind: "slot",
                                        subjectID: slotID, detail: "count=\(count) reason=\(reason)", now: now)
            return try Row.fetchOne(db, sql: "SELECT \(Self.slotColumns) FROM slot s WHERE s.id = ?", arguments: [now, slotID]).map(Self.slot)
        }
    }
}
