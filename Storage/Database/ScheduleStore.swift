import Foundation
import GRDB
import HuiminCore

/// Schedules (排班): clinic sessions keyed by (resource, day, period) and their time segments
/// keyed by (session, start), so IDs stay put however often the HIS republishes.
///
/// A publish never strands a booking: a segment that holds bookings keeps its time, fee and type,
/// and its places never drop below what is held, unless the session is being suspended (停诊),
/// which cancels those bookings first, with refunds and urgent notices, in the same transaction.
public final class ScheduleStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// Publishes `sessions` for `hospitalCode` in one transaction. `onSiteShare` gives the
    /// percentage of places kept for on-site patients from a department's policy layers; it sets
    /// `reserved` where a segment does not. Nothing is written for sessions that did not change.
    public func publish(hospitalCode: String, sessions: [PublishedSession], actor: AuditActor, now: Date,
                        onSiteShare: @escaping @Sendable (PolicyStore.Layers) throws -> Int) async throws -> PublishCounts {
        try await database.pool.write { db in
            guard try CatalogStore.hospitalExists(db, code: hospitalCode) else {
                throw AppError.notFound("hospital_unknown", "No hospital with code \(hospitalCode).")
            }
            var counts = PublishCounts()
            var shares: [String: Int] = [:]
            for session in sessions {
                guard let resource = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT id, department_id FROM resource WHERE hospital_code = ? AND code = ?
                    """), arguments: [hospitalCode, session.resourceCode]) else {
                    throw AppError.invalid("resource_unknown", "Session \(session.label) names resource \(session.resourceCode), which is not in the catalog.")
                }
                let resourceID: String = resource["id"]
                let departmentID: String = resource["department_id"]
                if shares[departmentID] == nil {
                    shares[departmentID] = try onSiteShare(PolicyStore.layers(db, hospitalCode: hospitalCode, departmentID: departmentID))
                }
                let share = shares[departmentID]!
                let existing = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT id, status, suspend_reason FROM clinic_session WHERE resource_id = ? AND day = ? AND period = ?
                    """), arguments: [resourceID, session.day, session.period])
                if let existing {
                    let id: String = existing["id"]
                    let statusChanged = try Self.applyStatus(db, session, sessionID: id, stored: existing, actor: actor, now: now, counts: &counts)
                    let slotsChanged = try Self.applySegments(db, session, sessionID: id, share: share, now: now)
                    if statusChanged || slotsChanged {
                        try db.execute(sql: "UPDATE clinic_session SET updated_at = ? WHERE id = ?", arguments: [now, id])
                        counts.updated += 1
                    } else {
                        counts.unchanged += 1
                    }
                } else {
                    let id = TypedID.make("ses")
                    try db.execute(sql: """
                        INSERT INTO clinic_session (id, hospital_code, resource_id, department_id, day, period, status, suspend_reason, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [id, hospitalCode, resourceID, departmentID, session.day, session.period, session.status,
                                         session.status == "suspended" ? session.suspendReason : nil, now])
                    _ = try Self.applySegments(db, session, sessionID: id, share: share, now: now)
                    counts.created += 1
                }
            }
            if counts.changed {
                try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "schedule.publish",
                                            subjectKind: "hospital", subjectID: hospitalCode,
                                            detail: "created=\(counts.created) updated=\(counts.updated) unchanged=\(counts.unchanged) "
                                                + "suspended=\(counts.suspended) cancelled=\(counts.bookingsCancelled)", now: now)
            }
            return counts
        }
    }

    /// Suspends (cancelling the session's bookings), reopens, or changes the suspension reason.
    /// Reopening brings no cancelled booking back. Returns whether anything changed.
    private static func applyStatus(_ db: GRDB.Database, _ session: PublishedSession, sessionID: String, stored: Row,
                                    actor: AuditActor, now: Date, counts: inout PublishCounts) throws -> Bool {
        let status: String = stored["status"]
        switch (status, session.status) {
        case ("open", "suspended"):
            counts.bookingsCancelled += try BookingStore.suspendSession(db, sessionID: sessionID, reason: session.suspendReason ?? "",
                                                                        actor: actor, now: now)
            counts.suspended += 1
            return true
        case ("suspended", "open"):
            try db.execute(sql: "UPDATE clinic_session SET status = 'open', suspend_reason = NULL WHERE id = ?", arguments: [sessionID])
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "session.reopen",
                                        subjectKind: "session", subjectID: sessionID, detail: "", now: now)
            return true
        case ("suspended", "suspended") where stored["suspend_reason"] as String? != session.suspendReason:
            try db.execute(sql: "UPDATE clinic_session SET suspend_reason = ? WHERE id = ?", arguments: [session.suspendReason, sessionID])
            return true
        default:
            return false
        }
    }

    /// Brings a session's segments to the published ones. A segment absent from the body is
    /// deleted, or, when old bookings still point at it, kept with no places (retired).
    private static func applySegments(_ db: GRDB.Database, _ session: PublishedSession, sessionID: String, share: Int,
                                      now: Date) throws -> Bool {
        let stored = try Row.fetchAll(db.cachedStatement(sql: """
            SELECT s.id, s.starts_at, s.ends_at, s.registration_type, s.fee_fen, s.capacity, s.reserved, s.extra, s.taken,
                   (SELECT COUNT(*) FROM booking b WHERE b.slot_id = s.id AND b.state = 'locked' AND b.lock_expires_at <= ?) AS expired,
                   EXISTS (SELECT 1 FROM booking b WHERE b.slot_id = s.id) AS referenced
            FROM slot s WHERE s.session_id = ?
            """), arguments: [now, sessionID])
        var byStart = Dictionary(stored.map { (Self.key(($0["starts_at"] as Date)), $0) }, uniquingKeysWith: { a, _ in a })
        var changed = false
        for segment in session.segments {
            let reserved = segment.reserved ?? segment.capacity * share / 100
            guard let row = byStart.removeValue(forKey: Self.key(segment.startsAt)) else {
                try db.execute(sql: """
                    INSERT INTO slot (id, session_id, starts_at, ends_at, registration_type, fee_fen, capacity, reserved, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [TypedID.make("slt"), sessionID, segment.startsAt, segment.endsAt, segment.registrationType,
                                     segment.feeFen, segment.capacity, reserved, now])
                changed = true
                continue
            }
            let id: String = row["id"]
            let extra: Int = row["extra"]
            let held = (row["taken"] as Int) - (row["expired"] as Int)
            let sameTerms = Self.key(row["ends_at"]) == Self.key(segment.endsAt) && row["fee_fen"] as Int64 == segment.feeFen
                && row["registration_type"] as String == segment.registrationType
            guard sameTerms || held == 0 else {
                throw Self.strands(session, Self.label(row), held, "keep its time, fee and registration type")
            }
            guard segment.capacity + extra >= held else {
                throw Self.strands(session, Self.label(row), held, "keep at least \(held) places")
            }
            if sameTerms, row["capacity"] as Int == segment.capacity, row["reserved"] as Int == reserved { continue }
            if segment.capacity + extra < row["taken"] as Int { _ = try BookingStore.releaseExpiredLocks(db, slotID: id, now: now) }
            try db.execute(sql: """
                UPDATE slot SET ends_at = ?, registration_type = ?, fee_fen = ?, capacity = ?, reserved = ?, updated_at = ? WHERE id = ?
                """, arguments: [segment.endsAt, segment.registrationType, segment.feeFen, segment.capacity, reserved, now, id])
            changed = true
        }
        for row in byStart.values {
            let id: String = row["id"]
            let held = (row["taken"] as Int) - (row["expired"] as Int)
            guard held == 0 else {
                throw Self.strands(session, Self.label(row), held, "stay in the schedule")
            }
            if !(row["referenced"] as Bool) {
                try db.execute(sql: "DELETE FROM slot WHERE id = ?", arguments: [id])
                changed = true
            } else if row["capacity"] as Int != 0 || row["extra"] as Int != 0 || row["taken"] as Int != 0 {
                _ = try BookingStore.releaseExpiredLocks(db, slotID: id, now: now)
                try db.execute(sql: "UPDATE slot SET capacity = 0, reserved = 0, extra = 0, updated_at = ? WHERE id = ?", arguments: [now, id])
                changed = true
            }
        }
        return changed
    }

    /// A segment's start, to the second: the key a republished segment is matched by.
    private static func key(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970.rounded()) }

    private static func label(_ row: Row) -> String {
        func clock(_ date: Date) -> String {
            let minutes = BusinessCalendar.minuteOfDay(date)
            return String(format: "%02d:%02d", minutes / 60, minutes % 60)
        }
        return "\(clock(row["starts_at"]))–\(clock(row["ends_at"]))"
    }

    private static func strands(_ session: PublishedSession, _ segment: String, _ held: Int, _ must: String) -> AppError {
        AppError.conflict("schedule_strands_bookings",
            "Segment \(segment) of \(session.label) holds \(held) booking(s), so it must \(must); suspend the session to cancel them.")
    }
}
