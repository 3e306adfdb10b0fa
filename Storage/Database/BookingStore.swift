import Foundation
import GRDB
import HuiminCore

/// Bookings: the rush-hour write path and its reads. Every state change is one transaction that
/// also writes its audit entry and its outbox rows.
///
/// Oversell cannot happen: a place is taken by a guarded `UPDATE slot SET taken = taken + 1 WHERE
/// taken < limit` inside the booking's transaction (GRDB serialises writers and begins them
/// IMMEDIATE, so the check and the insert see the same state), and the schema's CHECK on
/// `slot.taken` and the partial unique index on live bookings hold even for a second process.
public final class BookingStore: Sendable {
    let database: AppDatabase
    let commits: GroupCommit

    public init(database: AppDatabase) {
        self.database = database
        commits = GroupCommit(pool: database.pool)
    }

    /// What a booking request reads: the family member, the segment and the hospital's policy
    /// layers. They are read inside the booking's own transaction, so the decision and the write
    /// see one state, and the rush-hour path pays for one trip to the database, not two.
    public struct BookingInputs: Sendable {
        public var member: MemberView
        public var context: SlotContext
        public var policy: PolicyStore.Layers
    }

    /// A booking as the request gets it back, with what its view needs.
    public struct Booked: Sendable {
        public var booking: BookingRow
        public var context: SlotContext
        public var policy: PolicyStore.Layers
        /// An earlier booking with the same idempotency key, answered again.
        public var replayed: Bool
    }

    /// The request's identity, known before anything is read.
    public struct BookingRequest: Sendable {
        public var accountID: String
        public var memberID: String
        public var slotID: String
        public var idempotencyKey: String?
        public var requestDigest: String

        public init(accountID: String, memberID: String, slotID: String, idempotencyKey: String?, requestDigest: String) {
            self.accountID = accountID
            self.memberID = memberID
            self.slotID = slotID
            self.idempotencyKey = idempotencyKey
            self.requestDigest = requestDigest
        }
    }

    private static func inputs(_ db: GRDB.Database, _ request: BookingRequest) throws -> BookingInputs {
        guard let member = try db.cachedStatement(sql: """
            SELECT relation, is_default, phone_index, phone_sealed, created_at, person_id FROM family_member WHERE id = ? AND account_id = ?
            """).positionalRow([request.memberID, request.accountID], { row in
            FamilyMemberRow(id: request.memberID, accountId: request.accountID, personId: try row[5], relation: try row[0],
                            isDefault: try row[1], phoneIndex: row[optional: 2], phoneSealed: row[optional: 3], createdAt: try row[4])
        }).map({ try ResidentStore.view(db, member: $0) }) else {
            throw AppError.notFound("family_member_not_found", "No such family member in this account.")
        }
        guard let context = try slotContext(db, slotID: request.slotID) else {
            throw AppError.notFound("slot_not_found", "No such time segment.")
        }
        return BookingInputs(member: member, context: context,
                             policy: try PolicyStore.layers(db, hospitalCode: context.hospitalCode, departmentID: context.departmentId))
    }

    // MARK: Reads

    public func slotContext(slotID: String) async throws -> SlotContext? {
        try await database.pool.read { db in try Self.slotContext(db, slotID: slotID) }
    }

    public func booking(id: String) async throws -> BookingDetail? {
        try await database.pool.read { db in try Self.detail(db, id: id) }
    }

    public func bookings(accountID: String, live: Bool?) async throws -> [BookingDetail] {
        try await database.pool.read { db in
            var sql = "SELECT * FROM booking WHERE account_id = ?"
            if let live {
                let states = BookingRow.liveStates.map { "'\($0)'" }.joined(separator: ",")
                sql += live ? " AND state IN (\(states))" : " AND state NOT IN (\(states))"
            }
            sql += " ORDER BY day DESC, created_at DESC LIMIT 200"
            return try BookingRow.fetchAll(db, sql: sql, arguments: [accountID]).compactMap { row in
                try Self.slotContext(db, slotID: row.slotId).map { BookingDetail(booking: row, context: $0) }
            }
        }
    }

    public func booking(accountID: String, idempotencyKey: String) async throws -> BookingRow? {
        try await database.pool.read { db in
            try BookingRow.filter(Column("account_id") == accountID && Column("idempotency_key") == idempotencyKey).fetchOne(db)
        }
    }

    static func detail(_ db: GRDB.Database, id: String) throws -> BookingDetail? {
        guard let row = try BookingRow.fetchOne(db, key: id),
              let context = try slotContext(db, slotID: row.slotId) else { return nil }
        return BookingDetail(booking: row, context: context)
    }

    static func slotContext(_ db: GRDB.Database, slotID: String) throws -> SlotContext? {
        let statement = try db.cachedStatement(sql: """
            SELECT s.id, s.session_id, s.starts_at, s.ends_at, s.registration_type, s.fee_fen, s.capacity, s.reserved, s.extra, s.taken,
                   cs.hospital_code, cs.department_id, cs.day, cs.period, cs.status,
                   d.name AS department_name, d.parent_id, COALESCE(d.min_age, p.min_age) AS min_age,
                   COALESCE(d.max_age, p.max_age) AS max_age, COALESCE(d.sex, p.sex) AS sex,
                   r.id AS resource_id, r.name AS resource_name, r.kind, r.doctor_id,
                   doc.name AS doctor_name, sub.name AS substitute_name
            FROM slot s
            JOIN clinic_session cs ON cs.id = s.session_id
            JOIN department d ON d.id = cs.department_id
            LEFT JOIN department p ON p.id = d.parent_id
            JOIN resource r ON r.id = cs.resource_id
            LEFT JOIN doctor doc ON doc.id = r.doctor_id
            LEFT JOIN doctor sub ON sub.id = cs.substitute_doctor_id
            WHERE s.id = ?
            """)
        // By position: this runs for every booking and browse.
        return try statement.positionalRow([slotID]) { row in
            SlotContext(
                slotId: try row[0], sessionId: try row[1], hospitalCode: try row[10], departmentId: try row[11],
                departmentName: try row[15], parentDepartmentId: row[optional: 16], minAge: row[optional: 17],
                maxAge: row[optional: 18], sex: row[optional: 19], resourceId: try row[20], resourceName: try row[21],
                kind: try row[22], doctorId: row[optional: 23], doctorName: row[optional: 24], substituteDoctorName: row[optional: 25],
                day: try row[12], period: try row[13], sessionStatus: try row[14], startsAt: try row[2], endsAt: try row[3],
                registrationType: try row[4], feeFen: try row[5], capacity: try row[6], reserved: try row[7], extra: try row[8],
                taken: try row[9])
        }
    }

    // MARK: Booking

    /// A booking the domain has checked against the resident-facing rules; the store re-checks,
    /// inside the transaction, everything another request could change meanwhile.
    public struct NewBooking: Sendable {
        public var id: String
        public var accountID: String
        public var memberID: String
        public var personID: String
        public var idempotencyKey: String?
        public var requestDigest: String
        public var limitKey: String
        /// The limit holds across days (a bed), not per day.
        public var limitAnyDay: Bool
        /// Elderly patients may take the places kept for on-site patients.
        public var usesReserve: Bool
        /// Nil for a free segment, which is confirmed at once.
        public var lockExpiresAt: Date?
        public var maxActiveBookings: Int
        public var today: String

        public init(id: String, accountID: String, memberID: String, personID: String, idempotencyKey: String?,
                    requestDigest: String, limitKey: String, limitAnyDay: Bool = false, usesReserve: Bool, lockExpiresAt: Date?,
                    maxActiveBookings: Int, today: String) {
            self.id = id
            self.accountID = accountID
            self.memberID = memberID
            self.personID = personID
            self.idempotencyKey = idempotencyKey
            self.requestDigest = requestDigest
            self.limitKey = limitKey
            self.limitAnyDay = limitAnyDay
            self.usesReserve = usesReserve
            self.lockExpiresAt = lockExpiresAt
            self.maxActiveBookings = maxActiveBookings
            self.today = today
        }
    }

    /// Takes a place and records the booking. Returns the booking and whether it is a replay of
    /// an earlier request with the same idempotency key.
    /// Books a place: reads the inputs, lets `decide` apply the rules that need no further reads
    /// (it throws the refusal, or returns the booking to make), then checks what other bookings
    /// decide and writes, all in one grouped transaction.
    public func book(_ request: BookingRequest, now: Date, decide: @escaping @Sendable (BookingInputs) throws -> NewBooking,
                     messages: @escaping @Sendable (BookingRow, SlotContext) -> [OutboxMessage]) async throws -> Booked {
        let nowText = now.sqlText
        return try await commits.write { db in
            // Looked up by id first: a record fetch lower-cases all its columns' names even when
            // it finds nothing, and almost every request is a first one.
            if let key = request.idempotencyKey,
               let earlierID = try String.fetchOne(db.cachedStatement(sql: "SELECT id FROM booking WHERE account_id = ? AND idempotency_key = ?"),
                                                   arguments: [request.accountID, key]),
               let earlier = try BookingRow.fetchOne(db, key: earlierID) {
                // A replay answers with the first result even if the segment has since filled or closed.
                guard earlier.requestDigest == request.requestDigest else {
                    throw AppError.conflict("idempotency_conflict", "This Idempotency-Key was used for a different booking request.")
                }
                guard let context = try Self.slotContext(db, slotID: earlier.slotId) else { throw AppError.internalError }
                return Booked(booking: earlier, context: context,
                              policy: try PolicyStore.layers(db, hospitalCode: context.hospitalCode, departmentID: context.departmentId),
                              replayed: true)
            }
            let inputs = try Self.inputs(db, request)
            let context = inputs.context
            let new = try decide(inputs)
            if let block = try Self.activeBlock(db, personID: new.personID, hospitalCode: context.hospitalCode, now: now) {
                throw AppError.rule("booking_blocked",
                    "Online booking at this hospital is blocked until \(BusinessCalendar.day(of: block.endsAt)): \(block.reason). Staff can review an appeal.")
            }
            let live = try Int.fetchOne(db.cachedStatement(sql: """
                SELECT COUNT(*) FROM booking WHERE person_id = ? AND hospital_code = ? AND day >= ?
                AND state IN ('locked', 'confirmed', 'checked_in', 'called') AND NOT (state = 'locked' AND lock_expires_at <= ?)
                """), arguments: [new.personID, context.hospitalCode, new.today, nowText]) ?? 0
            if live >= new.maxActiveBookings {
                throw AppError.rule("booking_limit",
                    "This patient already has \(live) open bookings here, the most this hospital allows (\(new.maxActiveBookings)).")
            }
            // Per-day limits are the unique index's job (caught at the INSERT below); only a limit
            // across days needs looking up.
            if new.limitAnyDay, try Int.fetchOne(db.cachedStatement(sql: """
                SELECT COUNT(*) FROM booking WHERE person_id = ? AND limit_key = ?
                AND state IN ('locked', 'confirmed', 'checked_in', 'called') AND NOT (state = 'locked' AND lock_expires_at <= ?)
                """), arguments: [new.personID, new.limitKey, nowText])! > 0 {
                throw Self.duplicate(context)
            }
            // Run-out locks still count in `taken` until released; release them only when they are
            // what stands in the way, so the usual booking pays nothing for them.
            func takePlace() throws -> Bool {
                try db.cachedStatement(sql: """
                    UPDATE slot SET taken = taken + 1, updated_at = ?
                    WHERE id = ? AND taken < capacity + extra - (CASE WHEN ? THEN 0 ELSE reserved END)
                    AND (SELECT status FROM clinic_session WHERE id = slot.session_id) = 'open'
                    """).execute(arguments: [nowText, context.slotId, new.usesReserve])
                return db.changesCount == 1
            }
            guard try takePlace() || (try Self.releaseExpiredLocks(db, slotID: context.slotId, now: now) > 0 && takePlace()) else {
                let status = try String.fetchOne(db, sql: "SELECT status FROM clinic_session WHERE id = ?", arguments: [context.sessionId])
                if status == "suspended" {
                    throw AppError.conflict("session_suspended", "This clinic session is suspended (停诊).")
                }
                throw AppError.conflict("slot_full", "No places are left in this time segment.")
            }
            let number = try Int.fetchOne(db.cachedStatement(sql: """
                UPDATE clinic_session SET last_number = last_number + 1 WHERE id = ? RETURNING last_number
                """), arguments: [context.sessionId])!
            let booking = BookingRow(
                id: new.id, accountId: new.accountID, memberId: new.memberID, personId: new.personID,
                hospitalCode: context.hospitalCode, departmentId: context.departmentId, resourceId: context.resourceId,
                doctorId: context.doctorId, sessionId: context.sessionId, slotId: context.slotId, kind: context.kind,
                day: context.day, period: context.period, limitKey: new.limitKey,
                state: new.lockExpiresAt == nil ? "confirmed" : "locked", visitNumber: number, feeFen: context.feeFen,
                registrationType: context.registrationType, usesReserve: new.usesReserve, lockExpiresAt: new.lockExpiresAt,
                idempotencyKey: new.idempotencyKey, requestDigest: new.requestDigest, paidTradeNo: nil, cancelReason: nil,
                lateCancel: false, substituted: false, queueKey: nil, createdAt: now,
                confirmedAt: new.lockExpiresAt == nil ? now : nil, cancelledAt: nil, checkedInAt: nil, calledAt: nil,
                completedAt: nil, updatedAt: now)
            do {
                try Self.insert(db, booking)
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                // The patient's own run-out lock for the same day may hold the index entry.
                guard try Self.releaseExpiredLocks(db, personID: new.personID, now: now) > 0 else { throw Self.duplicate(context) }
                do {
                    try Self.insert(db, booking)
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                    throw Self.duplicate(context)
                }
            }
            try AccessStore.appendAudit(db, actorKind: "resident", actorID: new.accountID,
                                        action: booking.state == "locked" ? "booking.lock" : "booking.confirm",
                                        subjectKind: "booking", subjectID: booking.id,
                                        detail: "slot=\(context.slotId) number=\(number)", now: now)
            for message in messages(booking, context) { try OutboxStore.append(db, message, now: now) }
            return Booked(booking: booking, context: context, policy: inputs.policy, replayed: false)
        }
    }

    /// A plain cached INSERT: the record layer's Codable encoding with key conversion costs more
    /// than the rest of the booking's SQL.
    private static func insert(_ db: GRDB.Database, _ b: BookingRow) throws {
        try db.cachedStatement(sql: """
            INSERT INTO booking (id, account_id, member_id, person_id, hospital_code, department_id, resource_id, doctor_id,
                session_id, slot_id, kind, day, period, limit_key, state, visit_number, fee_fen, registration_type, uses_reserve,
                lock_expires_at, idempotency_key, request_digest, created_at, confirmed_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [b.id, b.accountId, b.memberId, b.personId, b.hospitalCode, b.departmentId, b.resourceId,
                                     b.doctorId, b.sessionId, b.slotId, b.kind, b.day, b.period, b.limitKey, b.state, b.visitNumber,
                                     b.feeFen, b.registrationType, b.usesReserve, b.lockExpiresAt?.sqlText, b.idempotencyKey,
                                     b.requestDigest, b.createdAt.sqlText, b.confirmedAt?.sqlText, b.updatedAt.sqlText])
    }

    private static func duplicate(_ context: SlotContext) -> AppError {
        switch context.kind {
        case "outpatient":
            AppError.conflict("duplicate_booking", "This patient already has a booking in \(context.departmentName) on \(context.day).")
        case "bed":
            AppError.conflict("duplicate_booking", "This patient already has a bed booked at this hospital.")
        default:
            AppError.conflict("duplicate_booking", "This patient already has a booking for \(context.resourceName) on \(context.day).")
        }
    }

    /// Locks past their expiry stop counting the moment they expire: a booking that finds one in
    /// its way releases it, so correctness never waits for the sweeper. Returns how many it released.
    static func releaseExpiredLocks(_ db: GRDB.Database, slotID: String, now: Date) throws -> Int {
        let ids = try String.fetchAll(db.cachedStatement(sql: """
            SELECT id FROM booking WHERE slot_id = ? AND state = 'locked' AND lock_expires_at <= ?
            """), arguments: [slotID, now.sqlText])
        for id in ids { try expire(db, bookingID: id, now: now) }
        return ids.count
    }

    static func releaseExpiredLocks(_ db: GRDB.Database, personID: String, now: Date) throws -> Int {
        let ids = try String.fetchAll(db.cachedStatement(sql: """
            SELECT id FROM booking WHERE person_id = ? AND state IN ('locked', 'confirmed', 'checked_in', 'called')
            AND state = 'locked' AND lock_expires_at <= ?
            """), arguments: [personID, now.sqlText])
        for id in ids { try expire(db, bookingID: id, now: now) }
        return ids.count
    }

    static func expire(_ db: GRDB.Database, bookingID: String, now: Date) throws {
        guard let slotID = try String.fetchOne(db.cachedStatement(sql: """
            UPDATE booking SET state = 'expired', updated_at = ? WHERE id = ? AND state = 'locked' RETURNING slot_id
            """), arguments: [now.sqlText, bookingID]) else { return }
        try db.cachedStatement(sql: "UPDATE slot SET taken = taken - 1, updated_at = ? WHERE id = ?").execute(arguments: [now.sqlText, slotID])
        try AccessStore.appendAudit(db, actorKind: "system", actorID: "huimin", action: "booking.expire",
                                    subjectKind: "booking", subjectID: bookingID, detail: "unpaid lock ran out", now: now)
    }

    /// The sweeper's half of lock expiry: makes the release of run-out locks permanent in batches.
    public func expireLocks(now: Date, limit: Int = 500) async throws -> Int {
        try await database.pool.write { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT id FROM booking WHERE state = 'locked' AND lock_expires_at <= ? ORDER BY lock_expires_at LIMIT ?
                """, arguments: [now, limit])
            for id in ids { try Self.expire(db, bookingID: id, now: now) }
            return ids.count
        }
    }

    // MARK: Blocks

    public struct Block: Codable, Sendable {
        public var id: String
        public var personId: String
        public var hospitalCode: String
        public var offences: Int
        public var reason: String
        public var startsAt: Date
        public var endsAt: Date
        public var liftedAt: Date?
        public var liftedBy: String?
        public var liftNote: String?
    }

    static func activeBlock(_ db: GRDB.Database, personID: String, hospitalCode: String, now: Date) throws -> Block? {
        // Looked up by id first: almost every booking finds none, and a Row is dear even then.
        guard let id = try String.fetchOne(db.cachedStatement(sql: """
            SELECT id FROM booking_block WHERE person_id = ? AND hospital_code = ? AND ends_at > ? AND lifted_at IS NULL
            ORDER BY ends_at DESC LIMIT 1
            """), arguments: [personID, hospitalCode, now.sqlText]) else { return nil }
        return try Row.fetchOne(db, sql: "SELECT * FROM booking_block WHERE id = ?", arguments: [id]).map(block)
    }

    static func block(_ row: Row) -> Block {
        Block(id: row["id"], personId: row["person_id"], hospitalCode: row["hospital_code"], offences: row["offences"],
              reason: row["reason"], startsAt: row["starts_at"], endsAt: row["ends_at"], liftedAt: row["lifted_at"],
              liftedBy: row["lifted_by"], liftNote: row["lift_note"])
    }
}
