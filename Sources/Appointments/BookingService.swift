import Database
import Foundation
import HuiminCore

/// Residents' bookings: book (lock then pay, or confirm a free segment at once), list, cancel,
/// and the payment hook. Rules that depend only on the request are checked here before the
/// write; everything another request could change is re-checked inside the store's transaction.
public struct BookingService: Sendable {
    let bookings: BookingStore
    let policies: PolicyStore
    let clock: any HuiminClock
    let policyCache = PolicyCache()

    public init(bookings: BookingStore, policies: PolicyStore, clock: any HuiminClock) {
        self.bookings = bookings
        self.policies = policies
        self.clock = clock
    }

    public func policy(hospitalCode: String, departmentID: String?) async throws -> BookingPolicy {
        let layers = try await policies.layers(hospitalCode: hospitalCode, departmentID: departmentID)
        return try policyCache.effective(hospital: layers.hospital, department: layers.department)
    }

    // MARK: Booking

    public func book(accountID: String, memberID: String, slotID: String, idempotencyKey: String?) async throws -> (booking: BookingView, replayed: Bool) {
        if let key = idempotencyKey, key.isEmpty || key.count > 64 {
            throw AppError.invalid("idempotency_key_invalid", "An Idempotency-Key is 1 to 64 characters.")
        }
        let digest = Digest.sha256Hex(Array("\(memberID)\u{1F}\(slotID)".utf8))
        let inputs = try await bookings.inputs(accountID: accountID, memberID: memberID, slotID: slotID, idempotencyKey: idempotencyKey)
        // A replay must answer with the first result even if the segment has since filled or closed.
        if let earlier = inputs.earlier {
            guard earlier.requestDigest == digest else {
                throw AppError.conflict("idempotency_conflict", "This Idempotency-Key was used for a different booking request.")
            }
            return (try await view(id: earlier.id), true)
        }
        guard let member = inputs.member else {
            throw AppError.notFound("family_member_not_found", "No such family member in this account.")
        }
        guard member.card.status == "active" else {
            throw AppError.rule("card_not_active", "This patient's e-health card is \(member.card.status); booking needs an active card.")
        }
        guard let context = inputs.context else {
            throw AppError.notFound("slot_not_found", "No such time segment.")
        }
        guard context.sessionStatus == "open" else {
            throw AppError.conflict("session_suspended", "This clinic session is suspended (停诊).")
        }
        let now = clock.now()
        let policy = try policyCache.effective(hospital: inputs.policy.hospital, department: inputs.policy.department)
        if let closed = BookingWindow.closedReason(policy: policy, now: now, day: context.day,
                                                   period: Period(rawValue: context.period) ?? .morning, startsAt: context.startsAt) {
            throw closed
        }
        try BookingRules.checkPatient(sex: member.person.sex, birthDate: member.person.birthDate, context: context)
        let age = BusinessCalendar.age(birthDate: member.person.birthDate, on: context.day) ?? 0
        let limit = BookingRules.limit(context)
        let new = BookingStore.NewBooking(
            id: TypedID.ordered("bkg", at: now), accountID: accountID, memberID: memberID, personID: member.person.id,
            idempotencyKey: idempotencyKey, requestDigest: digest, limitKey: limit.key, limitAnyDay: limit.anyDay,
            usesReserve: age >= policy.elderlyAge,
            lockExpiresAt: context.feeFen > 0 ? now.addingTimeInterval(TimeInterval(policy.lockMinutes * 60)) : nil,
            maxActiveBookings: policy.maxActiveBookings, today: BusinessCalendar.day(of: now))
        let (row, replayed) = try await bookings.book(new, context: context, now: now) { booking in
            booking.state == "confirmed" ? Self.confirmationMessages(booking, context) : []
        }
        return (BookingView(BookingDetail(booking: row, context: context), policy: policy), replayed)
    }

    /// "Booked"; the day-before reminder comes from the sweeper (`queueReminders`).
    static func confirmationMessages(_ booking: BookingRow, _ context: SlotContext) -> [OutboxMessage] {
        [OutboxMessage.booking("appointment.booked", booking, context, dedupeKey: "booked:\(booking.id)")]
    }

    // MARK: Reading

    public func list(accountID: String, live: Bool?) async throws -> [BookingView] {
        var cache: [String: BookingPolicy] = [:]
        var out: [BookingView] = []
        for detail in try await bookings.bookings(accountID: accountID, live: live) {
            let key = detail.booking.hospitalCode + "/" + detail.booking.departmentId
            if cache[key] == nil {
                cache[key] = try await policy(hospitalCode: detail.booking.hospitalCode, departmentID: detail.booking.departmentId)
            }
            out.append(BookingView(detail, policy: cache[key]!))
        }
        return out
    }

    public func booking(accountID: String, bookingID: String) async throws -> BookingView {
        guard let detail = try await bookings.booking(id: bookingID), detail.booking.accountId == accountID else {
            throw AppError.notFound("booking_not_found", "No such booking on this account.")
        }
        return try await view(detail)
    }

    /// A booking seen by a hospital: only its own.
    public func booking(hospitalCode: String, bookingID: String) async throws -> BookingDetail {
        guard let detail = try await bookings.booking(id: bookingID), detail.booking.hospitalCode == hospitalCode else {
            throw AppError.notFound("booking_not_found", "No such booking at this hospital.")
        }
        return detail
    }

    public func view(id: String) async throws -> BookingView {
        guard let detail = try await bookings.booking(id: id) else {
            throw AppError.notFound("booking_not_found", "No such booking.")
        }
        return try await view(detail)
    }

    func view(_ detail: BookingDetail) async throws -> BookingView {
        BookingView(detail, policy: try await policy(hospitalCode: detail.booking.hospitalCode, departmentID: detail.booking.departmentId))
    }

    // MARK: Cancelling

    /// 退号 by the resident: free before the deadline; after it, refused.
    public func cancel(accountID: String, bookingID: String) async throws -> BookingView {
        guard let detail = try await bookings.booking(id: bookingID), detail.booking.accountId == accountID else {
            throw AppError.notFound("booking_not_found", "No such booking on this account.")
        }
        let now = clock.now()
        let policy = try await policy(hospitalCode: detail.booking.hospitalCode, departmentID: detail.booking.departmentId)
        guard detail.booking.state == "locked" || detail.booking.state == "confirmed" else {
            throw AppError.conflict("booking_not_cancellable", "A booking that is \(detail.booking.state) cannot be cancelled.")
        }
        let deadline = BookingRules.cancelDeadline(detail.booking, context: detail.context, policy: policy)
        guard now < deadline else {
            throw AppError.rule("cancel_deadline_passed",
                "Bookings here can be cancelled online until \(ISO8601.string(deadline)); please go to the hospital's window.")
        }
        let late = BusinessCalendar.day(of: now) == detail.booking.day && !detail.booking.substituted
        let context = detail.context
        let row = try await bookings.cancel(.init(bookingID: bookingID, reason: "resident", late: late, actor: .resident(accountID)),
                                            now: now) { booking in
            [.booking("appointment.cancelled", booking, context,
                      extra: ["refundFen": "\(booking.paidTradeNo == nil ? 0 : booking.feeFen)"], dedupeKey: "cancelled:\(booking.id)")]
        }
        return BookingView(BookingDetail(booking: row, context: context), policy: policy)
    }

    // MARK: Payment hook

    /// Called by Payments when the fee is paid (and by a hospital window through the integration
    /// API). A payment that arrives after the lock ran out releases nothing twice: the booking is
    /// expired and the caller is told to refund.
    public func confirmPayment(bookingID: String, tradeNo: String, amountFen: Int64, actor: AuditActor) async throws -> BookingView {
        guard !tradeNo.isEmpty, tradeNo.count <= 32 else {
            throw AppError.invalid("trade_no_invalid", "A trade number is 1 to 32 characters.")
        }
        guard let detail = try await bookings.booking(id: bookingID) else {
            throw AppError.notFound("booking_not_found", "No such booking.")
        }
        let now = clock.now()
        let policy = try await policy(hospitalCode: detail.booking.hospitalCode, departmentID: detail.booking.departmentId)
        let context = detail.context
        let outcome = try await bookings.confirmPayment(bookingID: bookingID, tradeNo: tradeNo, amountFen: amountFen, actor: actor,
                                                        now: now) { booking in
            Self.confirmationMessages(booking, context)
        }
        switch outcome {
        case .confirmed(let row):
            return BookingView(BookingDetail(booking: row, context: context), policy: policy)
        case .lockExpired:
            throw AppError.conflict("lock_expired", "The place was held until the lock ran out and has been released; refund the payment.")
        }
    }

    // MARK: Sweeping

    /// Queues tomorrow's reminders once each hospital's (or department's) reminder time has come.
    public func queueReminders() async throws -> Int {
        let now = clock.now()
        guard let tomorrow = BusinessCalendar.adding(days: 1, to: BusinessCalendar.day(of: now)) else { return 0 }
        var queued = 0
        while true {
            let candidates = try await bookings.reminderCandidates(day: tomorrow)
            var due: [String] = []
            var policies: [String: BookingPolicy] = [:]
            for candidate in candidates {
                let key = candidate.hospitalCode + "/" + candidate.departmentID
                if policies[key] == nil {
                    policies[key] = try await policy(hospitalCode: candidate.hospitalCode, departmentID: candidate.departmentID)
                }
                if BookingRules.reminderTime(day: tomorrow, policy: policies[key]!) <= now { due.append(candidate.bookingID) }
            }
            queued += try await bookings.queueReminders(bookingIDs: due, now: now)
            // A full page with nothing due means the rest waits for a later reminder time.
            if candidates.count < 1000 || due.isEmpty { return queued }
        }
    }

    /// Makes expired locks' release permanent. Bookings never depend on this running on time.
    public func expireLocks() async throws -> Int {
        try await bookings.expireLocks(now: clock.now())
    }
}
