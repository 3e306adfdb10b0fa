import Foundation
import GRDB
import HuiminCore

/// 爽约: confirmed bookings nobody checked in become no-shows, and enough of them at one hospital
/// block the person's online booking there. The grace period and the blocking rule are per-hospital
/// policy, which the Appointments module resolves; this store only applies what it is given.
extension BookingStore {
    /// A confirmed booking whose segment has ended; the caller decides whether its grace is over.
    public struct NoShowCandidate: Sendable {
        public var bookingID: String
        public var hospitalCode: String
        public var departmentID: String
        public var endsAt: Date
    }

    /// Confirmed bookings whose segment ended at or before `endedBy`, oldest first, after the
    /// cursor (the last candidate of the previous page), so a sweep can page through a backlog
    /// without seeing one department's still-in-grace bookings over and over.
    ///
    /// Only the `lookbackDays` business days up to `today` are searched: the days go in as an IN
    /// list so the `(day, state)` index is probed once per day for confirmed rows only, instead of
    /// scanning every past booking. A sweeper that was down longer than that leaves older ones.
    public func noShowCandidates(today: String, lookbackDays: Int, endedBy: Date,
                                 after cursor: (endsAt: Date, bookingID: String)?, limit: Int) async throws -> [NoShowCandidate] {
        let days = (0...max(lookbackDays, 0)).compactMap { BusinessCalendar.adding(days: -$0, to: today) }
        let marks = days.map { _ in "?" }.joined(separator: ",")
        let cursorEnds = cursor?.endsAt ?? .distantPast
        let cursorID = cursor?.bookingID ?? ""
        return try await database.pool.read { db in
            var arguments = StatementArguments(days)
            arguments += [endedBy, cursorEnds, cursorID, limit]
            return try Row.fetchAll(db, sql: """
                SELECT b.id, b.hospital_code, b.department_id, s.ends_at
                FROM booking b JOIN slot s ON s.id = b.slot_id
                WHERE b.day IN (\(marks)) AND b.state = 'confirmed' AND s.ends_at <= ? AND (s.ends_at, b.id) > (?, ?)
                ORDER BY s.ends_at, b.id LIMIT ?
                """, arguments: arguments).map { row in
                NoShowCandidate(bookingID: row["id"], hospitalCode: row["hospital_code"], departmentID: row["department_id"],
                                endsAt: row["ends_at"])
            }
        }
    }

    /// The hospital's blocking rule, as the policy states it.
    public struct BlockRule: Sendable, Equatable {
        public var threshold: Int
        public var windowDays: Int
        public var blockDays: Int
        public var countLateCancellations: Bool

        public init(threshold: Int, windowDays: Int, blockDays: Int, countLateCancellations: Bool) {
            self.threshold = threshold
            self.windowDays = windowDays
            self.blockDays = blockDays
            self.countLateCancellations = countLateCancellations
        }
    }

    /// One booking to mark, with the rule of its hospital.
    public struct NoShowMark: Sendable {
        public var bookingID: String
        public var rule: BlockRule

        public init(bookingID: String, rule: BlockRule) {
            self.bookingID = bookingID
            self.rule = rule
        }
    }

    public struct NoShowOutcome: Sendable {
        public var booking: BookingRow
        /// The block this no-show triggered, if it was the one that reached the threshold.
        public var block: Block?
    }

    /// Marks a batch of bookings as no-shows in one transaction, each with its audit entry and
    /// notice, and with any block it triggers. The UPDATE is guarded on `state = 'confirmed'`, so a
    /// booking checked in meanwhile, or already marked by another process's sweep, is skipped.
    /// The place stays taken: the patient held it until the segment was over.
    public func markNoShows(_ marks: [NoShowMark], now: Date) async throws -> [NoShowOutcome] {
        guard !marks.isEmpty else { return [] }
        return try await database.pool.write { db in
            var outcomes: [NoShowOutcome] = []
            for mark in marks {
                guard let booking = try BookingRow.fetchOne(db, sql: """
                    UPDATE booking SET state = 'no_show', updated_at = ? WHERE id = ? AND state = 'confirmed' RETURNING *
                    """, arguments: [now, mark.bookingID]) else { continue }
                try AccessStore.appendAudit(db, actorKind: AuditActor.system.kind, actorID: AuditActor.system.id,
                                            action: "booking.no_show", subjectKind: "booking", subjectID: booking.id,
                                            detail: "not checked in by the segment's end and grace", now: now)
                if let context = try Self.slotContext(db, slotID: booking.slotId) {
                    try OutboxStore.append(db, .booking("appointment.no_show", booking, context, dedupeKey: "no_show:\(booking.id)"),
                                           now: now)
                }
                let block = try Self.blockIfDue(db, after: booking, rule: mark.rule, now: now)
                outcomes.append(NoShowOutcome(booking: booking, block: block))
            }
            return outcomes
        }
    }

    /// Counts the person's offences at the hospital inside the window (no-shows by their visit
    /// day, and same-day cancellations when the hospital counts them) and blocks booking when the
    /// count reaches the threshold and no block is already running.
    ///
    /// Offences recorded before the person's latest block began (expired or lifted on appeal)
    /// have been dealt with by that block and do not count again; otherwise, with a window longer
    /// than the block, one more miss after a block ends would block again at once.
    static func blockIfDue(_ db: GRDB.Database, after booking: BookingRow, rule: BlockRule, now: Date) throws -> Block? {
        guard rule.blockDays > 0,
              let windowStart = BusinessCalendar.adding(days: -rule.windowDays, to: BusinessCalendar.day(of: now)),
              try activeBlock(db, personID: booking.personId, hospitalCode: booking.hospitalCode, now: now) == nil else { return nil }
        let since = try Date.fetchOne(db, sql: "SELECT MAX(starts_at) FROM booking_block WHERE person_id = ? AND hospital_code = ?",
                                      arguments: [booking.personId, booking.hospitalCode]) ?? .distantPast
        // A no-show's updated_at is when it was marked: the state is final, nothing touches it after.
        let counts = try Row.fetchOne(db, sql: """
            SELECT COALESCE(SUM(state = 'no_show' AND updated_at > ?1), 0) AS missed,
                   COALESCE(SUM(state = 'cancelled' AND late_cancel = 1 AND cancelled_at > ?1), 0) AS late
            FROM booking WHERE person_id = ?2 AND hospital_code = ?3 AND day > ?4 AND state IN ('no_show', 'cancelled')
            """, arguments: [since, booking.personId, booking.hospitalCode, windowStart])!
        let missed: Int = counts["missed"]
        let late: Int = rule.countLateCancellations ? counts["late"] : 0
        guard missed + late >= rule.threshold else { return nil }

        var reason = "\(missed) missed appointment\(missed == 1 ? "" : "s")"
        if late > 0 { reason += " and \(late) same-day cancellation\(late == 1 ? "" : "s")" }
        reason += " in \(rule.windowDays) days"
        let block = Block(id: TypedID.make("blk"), personId: booking.personId, hospitalCode: booking.hospitalCode,
                          offences: missed + late, reason: reason, startsAt: now,
                          endsAt: now.addingTimeInterval(TimeInterval(rule.blockDays) * 86_400),
                          liftedAt: nil, liftedBy: nil, liftNote: nil)
        try db.execute(sql: """
            INSERT INTO booking_block (id, person_id, hospital_code, offences, reason, starts_at, ends_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [block.id, block.personId, block.hospitalCode, block.offences, block.reason, block.startsAt,
                             block.endsAt, now])
        try AccessStore.appendAudit(db, actorKind: AuditActor.system.kind, actorID: AuditActor.system.id, action: "block.create",
                                    subjectKind: "block", subjectID: block.id,
                                    detail: "person=\(block.personId) hospital=\(block.hospitalCode) \(reason) trigger=\(booking.id)",
                                    now: now)
        try OutboxStore.append(db, OutboxMessage(
            event: "booking.blocked", accountID: booking.accountId, personID: booking.personId, subjectKind: "block",
            subjectID: block.id,
            payload: ["blockId": block.id, "memberId": booking.memberId, "hospitalCode": block.hospitalCode, "reason": reason,
                      "offences": "\(block.offences)", "until": BusinessCalendar.day(of: block.endsAt),
                      "endsAt": ISO8601.string(block.endsAt)],
            dedupeKey: "blocked:\(block.id)"), now: now)
        return block
    }
}

/// Staff review of blocks: who is blocked at which hospital and why, and lifting a block on appeal.
extension BookingStore {
    /// Every block of a person, newest first. The read is audited in the same transaction, before
    /// anything is returned, because it shows a named patient's record of missed appointments.
    public func blocks(personID: String, readBy actor: AuditActor, now: Date) async throws -> [Block] {
        try await database.pool.write { db in
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "block.read", subjectKind: "person",
                                        subjectID: personID, detail: "", now: now)
            return try Row.fetchAll(db, sql: """
                SELECT * FROM booking_block WHERE person_id = ? ORDER BY starts_at DESC, id
                """, arguments: [personID]).map(Self.block)
        }
    }

    /// Lifts a running block (申诉 granted): the person may book again at once. The resident is
    /// told through the outbox.
    public func liftBlock(id: String, note: String, actor: AuditActor, now: Date) async throws -> Block {
        try await database.pool.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM booking_block WHERE id = ?", arguments: [id]) else {
                throw AppError.notFound("block_not_found", "No such booking block.")
            }
            var block = Self.block(row)
            guard block.liftedAt == nil, block.endsAt > now else {
                throw AppError.conflict("block_not_active",
                    block.liftedAt == nil ? "This block already ended." : "This block was already lifted.")
            }
            block.liftedAt = now
            block.liftedBy = actor.id
            block.liftNote = note
            try db.execute(sql: "UPDATE booking_block SET lifted_at = ?, lifted_by = ?, lift_note = ? WHERE id = ? AND lifted_at IS NULL",
                           arguments: [now, actor.id, note, id])
            try AccessStore.appendAudit(db, actorKind: actor.kind, actorID: actor.id, action: "block.lift", subjectKind: "block",
                                        subjectID: id, detail: "person=\(block.personId) note=\(note)", now: now)
            // Told on the account whose missed booking led to the block, as the block notice was.
            let account = try String.fetchOne(db, sql: """
                SELECT account_id FROM booking WHERE person_id = ? AND hospital_code = ? AND state IN ('no_show', 'cancelled')
                AND state = 'no_show' ORDER BY updated_at DESC LIMIT 1
                """, arguments: [block.personId, block.hospitalCode])
            try OutboxStore.append(db, OutboxMessage(
                event: "booking.unblocked", accountID: account, personID: block.personId, subjectKind: "block", subjectID: id,
                payload: ["blockId": id, "hospitalCode": block.hospitalCode], dedupeKey: "unblocked:\(id)"), now: now)
            return block
        }
    }
}
