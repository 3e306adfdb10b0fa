import Database
import Foundation
import HuiminCore

/// Residents' bookings: book (lock then pay, or confirm a free segment at once), list, cancel,
/// and the payment hook. A booking's rules run inside the store's transaction: those that need
/// only the request's inputs here (`decide`), those that depend on other bookings in the store.
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
        let request = BookingStore.BookingRequest(accountID: accountID, memberID: memberID, slotID: slotID, idempotencyKey: idempotencyKey,
                                                  requestDigest: Digest.sha256Hex(Array("\(memberID)\u{1F}\(slotID)".utf8)))
        let now = clock.now()
        let policyCache = policyCache
        let booked = try await bookings.book(request, now: now, decide: { inputs in
            try Self.decide(request, inputs, policy: policyCache.effective(hospital: inputs.policy.hospital, department: inputs.policy.department),
                            now: now)
        }, messages: { booking, context in
            booking.state == "confirmed" ? Self.confirmationMessages(booking, context) : []
        })
        let policy = try policyCache.effective(hospital: booked.policy.hospital, department: booked.policy.department)
        return (BookingView(BookingDetail(booking: booked.booking, context: booked.context), policy: policy), booked.replayed)
    }

    /// The rules that need nothing beyond the request's own inputs: the card, the session, the
    /// release window and the patient's age and sex.
    static func decide(_ request: BookingStore.BookingRequest, _ inputs: BookingStore.BookingInputs, policy: BookingPolicy,
                       now: Date) throws -> BookingStore.NewBooking {
        let member = inputs.member, context = inputs.context
        guard member.card.status == "active" else {
            throw AppError.rule("card_not_active", "This patient's e-health card is \(member.card.status); booking needs an active card.")
        }
        guard context.sessionStatus == "open" else {
            throw AppError.conflict("session_suspended", "This clinic session is suspended (停诊).")
        }
        if let closed = BookingWindow.closedReason(policy: policy, now: now, day: context.day,
                                                   period: Period(rawValue: context.period) ?? .morning, startsAt: context.startsAt) {
            throw closed
        }
        try BookingRules.checkPatient(sex: member.person.sex, birthDate: member.person.birthDate, context: context)
        let age = BusinessCalendar.age(birthDate: member.person.birthDate, on: context.day) ?? 0
        let limit = BookingRules.limit(context)
        return BookingStore.NewBooking(
            id: TypedID.ordered("bkg", at: now), accountID: request.accountID, memberID: request.memberID, personID: member.person.id,
            idempotencyKey: request.idempotencyKey, requestDigest: request.requestDigest, limitKey: limit.key, limitAnyDay: limit.anyDay,
            usesReserve: age >= policy.elderlyAge,
            lockExpiresAt: context.feeFen > 0 ? now.addingTimeInterval(TimeInterval(policy.lockMinutes * 60)) : nil,
            maxActiveBookings: policy.maxActiveBookings, today: BusinessCalendar.day(of: now))
    }

    /// "Booked"; the day-before reminder comes from the sweeper (`queueReminders`).
    public static func confirmationMessages(_ booking: BookingRow, _ context: SlotContext) -> [OutboxMessage] {
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
                                                        now: now) { booking, context in
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
