import Foundation
import GRDB
import HuiminCore

/// 报到 and 排队候诊: a checked-in booking waits in its session's queue, ordered by `queue_key`
/// (the segment's start for those on time, the arrival for latecomers, then the visit number),
/// until the hospital's queue system calls it.
extension BookingStore {
    public func checkIn(bookingID: String, queueKey: String, actor: AuditActor, nearTurnAhead: Int, now: Date) async throws -> BookingRow {
        try await database.pool.write { db in
            guard var booking = try BookingRow.fetchOne(db, key: bookingID) else {
                throw AppError.notFound("booking_not_found", "No such booking.")
            }
            switch booking.state {
            case "confirmed": break
            case "checked_in", "called", "completed": return booking  // a second scan changes nothing
            case "locked": throw AppError.conflict("booking_not_paid", "Pay the registration fee before checking in.")
            default: throw AppError.conflict("booking_not_checkable", "A booking that is \(booking.state) cannot be checked in.")
            }
            booking.state = "checked_in"
            booking.checkedInAt = now
            booking.queueKey = queueKey
            booking.updatedAt = now
            try booking.update(db)
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "booking.check_in",
                                        subjectKind: "booking", subjectID: bookingID, detail: "", now: now)
            try Self.noticeNearTurn(db, sessionID: booking.sessionId, ahead: nearTurnAhead, now: now)
            return booking
        }
    }

    /// What the hospital's queue system reports about a patient.
    public enum QueueAction: String, Sendable, CaseIterable {
        /// 叫号: the doctor calls the patient in.
        case call
        /// The consultation ended.
        case complete
        /// 过号: called but not there; back into the queue behind a few others.
        case pass
    }

    public func queue(_ action: QueueAction, bookingID: String, hospitalCode: String, nearTurnAhead: Int, passBehind: Int,
                      now: Date) async throws -> BookingRow {
        try await database.pool.write { db in
            guard var booking = try BookingRow.fetchOne(db, key: bookingID), booking.hospitalCode == hospitalCode else {
                throw AppError.notFound("booking_not_found", "No such booking at this hospital.")
            }
            switch (action, booking.state) {
            case (.call, "checked_in"):
                booking.state = "called"
                booking.calledAt = now
            case (.complete, "called"):
                booking.state = "completed"
                booking.completedAt = now
            case (.pass, "called"), (.pass, "checked_in"):
                booking.state = "checked_in"
                booking.queueKey = try Self.keyBehind(db, sessionID: booking.sessionId, excluding: booking.id, count: passBehind)
                    ?? booking.queueKey
            case (.call, "called"), (.complete, "completed"):
                return booking  // repeated report
            default:
                throw AppError.conflict("queue_state", "Cannot \(action.rawValue) a booking that is \(booking.state).")
            }
            booking.updatedAt = now
            try booking.update(db)
            try AccessStore.appendAudit(db, actorKind: "hospital", actorID: hospitalCode, action: "queue.\(action.rawValue)",
                                        subjectKind: "booking", subjectID: bookingID, detail: "", now: now)
            try Self.noticeNearTurn(db, sessionID: booking.sessionId, ahead: nearTurnAhead, now: now)
            return booking
        }
    }

    /// A key that sorts just after the `count`-th waiting patient (or last, if fewer wait).
    private static func keyBehind(_ db: GRDB.Database, sessionID: String, excluding id: String, count: Int) throws -> String? {
        let keys = try String.fetchAll(db, sql: """
            SELECT queue_key FROM booking WHERE session_id = ? AND state = 'checked_in' AND id != ? ORDER BY queue_key LIMIT ?
            """, arguments: [sessionID, id, count])
        return keys.last.map { $0 + "~" + id }
    }

    /// Everyone with `ahead` or fewer waiting before them hears it is nearly their turn, once.
    static func noticeNearTurn(_ db: GRDB.Database, sessionID: String, ahead: Int, now: Date) throws {
        let ids = try String.fetchAll(db, sql: """
            SELECT id FROM booking WHERE session_id = ? AND state = 'checked_in' ORDER BY queue_key LIMIT ?
            """, arguments: [sessionID, ahead + 1])
        for (position, id) in ids.enumerated() {
            guard let booking = try BookingRow.fetchOne(db, key: id), let context = try slotContext(db, slotID: booking.slotId) else { continue }
            try OutboxStore.append(db, .booking("queue.near_turn", booking, context, extra: ["ahead": "\(position)"],
                                                dedupeKey: "near-turn:\(id)"), now: now)
        }
    }

    public struct QueueStanding: Sendable {
        public var state: String
        /// Waiting patients before this one; 0 when called.
        public var ahead: Int
        /// Mean consultation time in this session so far, when anyone has been seen.
        public var meanConsultSeconds: Double?
    }

    public func standing(bookingID: String) async throws -> QueueStanding? {
        try await database.pool.read { db in
            guard let booking = try BookingRow.fetchOne(db, key: bookingID) else { return nil }
            var ahead = 0
            if booking.state == "checked_in", let key = booking.queueKey {
                ahead = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM booking WHERE session_id = ? AND state = 'checked_in' AND queue_key < ?
                    """, arguments: [booking.sessionId, key]) ?? 0
            }
            let mean = try Double.fetchOne(db, sql: """
                SELECT AVG((julianday(completed_at) - julianday(called_at)) * 86400.0) FROM booking
                WHERE session_id = ? AND state = 'completed' AND called_at IS NOT NULL
                """, arguments: [booking.sessionId])
            return QueueStanding(state: booking.state, ahead: ahead, meanConsultSeconds: mean)
        }
    }
}

extension BookingStore {
    public func departmentID(hospitalCode: String, code: String) async throws -> String? {
        try await database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT id FROM department WHERE hospital_code = ? AND code = ?", arguments: [hospitalCode, code])
        }
    }
}
