import Foundation
import GRDB
import HuiminCore

/// 就诊提醒: the day before a visit, each confirmed booking gets one reminder. Written by the
/// sweeper when the hospital's reminder time comes, not at booking, so the rush-hour write stays
/// small and a cancelled booking never has a reminder to withdraw.
extension BookingStore {
    public struct ReminderCandidate: Sendable {
        public var bookingID: String
        public var hospitalCode: String
        public var departmentID: String
    }

    /// Confirmed bookings on `day` that have no reminder yet.
    public func reminderCandidates(day: String, limit: Int = 1000) async throws -> [ReminderCandidate] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT b.id, b.hospital_code, b.department_id FROM booking b
                LEFT JOIN outbox o ON o.dedupe_key = 'reminder:' || b.id
                WHERE b.day = ? AND b.state = 'confirmed' AND o.id IS NULL
                ORDER BY b.id LIMIT ?
                """, arguments: [day, limit]).map {
                ReminderCandidate(bookingID: $0[0], hospitalCode: $0[1], departmentID: $0[2])
            }
        }
    }

    /// Queues the reminders, skipping any booking no longer confirmed; returns how many were queued.
    public func queueReminders(bookingIDs: [String], now: Date) async throws -> Int {
        try await database.pool.write { db in
            var queued = 0
            for id in bookingIDs {
                guard let booking = try BookingRow.fetchOne(db, key: id), booking.state == "confirmed",
                      let context = try Self.slotContext(db, slotID: booking.slotId) else { continue }
                try OutboxStore.append(db, .booking("appointment.reminder", booking, context, dedupeKey: "reminder:\(id)"), now: now)
                queued += 1
            }
            return queued
        }
    }
}
