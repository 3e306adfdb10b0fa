import Foundation
import GRDB
import HuiminCore

/// 停诊 and 替诊: a whole session changes at once, with every affected booking told.
extension BookingStore {
    /// Suspends a session inside the caller's transaction: every live booking is cancelled with a
    /// refund request and an urgent notice. Returns how many bookings were cancelled. Checked-in
    /// patients are already at the hospital; the hospital deals with them in person, so their
    /// bookings stay.
    @discardableResult
    public static func suspendSession(_ db: GRDB.Database, sessionID: String, reason: String, actor: AuditActor, now: Date) throws -> Int {
        guard let status = try String.fetchOne(db, sql: "SELECT status FROM clinic_session WHERE id = ?", arguments: [sessionID]) else {
            throw AppError.notFound("session_not_found", "No such clinic session.")
        }
        guard status == "open" else { return 0 }
        try db.execute(sql: "UPDATE clinic_session SET status = 'suspended', suspend_reason = ?, updated_at = ? WHERE id = ?",
                       arguments: [reason, now, sessionID])
        try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "session.suspend",
                                    subjectKind: "session", subjectID: sessionID, detail: reason, now: now)
        let ids = try String.fetchAll(db, sql: """
            SELECT id FROM booking WHERE session_id = ? AND state IN ('locked', 'confirmed') ORDER BY visit_number
            """, arguments: [sessionID])
        for id in ids {
            let booking = try cancel(db, Cancellation(bookingID: id, reason: "suspension", late: false, actor: actor), now: now)
            if let context = try slotContext(db, slotID: booking.slotId) {
                try OutboxStore.append(db, .booking("appointment.suspended", booking, context, urgent: true,
                                                    extra: ["reason": reason, "refundFen": "\(booking.paidTradeNo == nil ? 0 : booking.feeFen)"],
                                                    dedupeKey: "suspended:\(booking.id)"), now: now)
            }
        }
        return ids.count
    }

    public func suspend(sessionID: String, reason: String, actor: AuditActor, now: Date) async throws -> Int {
        try await database.pool.write { db in
            try Self.suspendSession(db, sessionID: sessionID, reason: reason, actor: actor, now: now)
        }
    }

    /// Another doctor takes the session over. Bookings stay; each resident is told and may cancel
    /// without the usual deadline. Returns how many bookings were told.
    public func substitute(sessionID: String, doctorID: String, reason: String, actor: AuditActor, now: Date) async throws -> Int {
        try await database.pool.write { db in
            guard let session = try Row.fetchOne(db, sql: "SELECT status, hospital_code FROM clinic_session WHERE id = ?",
                                                 arguments: [sessionID]) else {
                throw AppError.notFound("session_not_found", "No such clinic session.")
            }
            guard session["status"] as String == "open" else {
                throw AppError.conflict("session_suspended", "A suspended session cannot be handed to another doctor.")
            }
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM doctor WHERE id = ? AND hospital_code = ? AND active = 1",
                                   arguments: [doctorID, session["hospital_code"] as String])! > 0 else {
                throw AppError.notFound("doctor_not_found", "No such doctor at this hospital.")
            }
            try db.execute(sql: "UPDATE clinic_session SET substitute_doctor_id = ?, updated_at = ? WHERE id = ?",
                           arguments: [doctorID, now, sessionID])
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "session.substitute",
                                        subjectKind: "session", subjectID: sessionID, detail: "doctor=\(doctorID) \(reason)", now: now)
            let rows = try BookingRow.fetchAll(db, sql: """
                SELECT * FROM booking WHERE session_id = ? AND state IN ('locked', 'confirmed', 'checked_in')
                """, arguments: [sessionID])
            for var booking in rows {
                booking.substituted = true
                booking.updatedAt = now
                try booking.update(db)
                if let context = try Self.slotContext(db, slotID: booking.slotId) {
                    try OutboxStore.append(db, .booking("appointment.substituted", booking, context, urgent: true,
                                                        extra: ["reason": reason, "originalDoctor": context.doctorName ?? ""],
                                                        dedupeKey: "substituted:\(booking.id):\(doctorID)"), now: now)
                }
            }
            return rows.count
        }
    }

    /// A session found by the hospital's own keys (resource code, day, period).
    public func sessionID(hospitalCode: String, resourceCode: String, day: String, period: String) async throws -> String? {
        try await database.pool.read { db in
            try String.fetchOne(db, sql: """
                SELECT cs.id FROM clinic_session cs JOIN resource r ON r.id = cs.resource_id
                WHERE r.hospital_code = ? AND r.code = ? AND cs.day = ? AND cs.period = ?
                """, arguments: [hospitalCode, resourceCode, day, period])
        }
    }

    public func doctorID(hospitalCode: String, code: String) async throws -> String? {
        try await database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT id FROM doctor WHERE hospital_code = ? AND code = ?", arguments: [hospitalCode, code])
        }
    }

    public func sessionHospital(sessionID: String) async throws -> String? {
        try await database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT hospital_code FROM clinic_session WHERE id = ?", arguments: [sessionID])
        }
    }
}
