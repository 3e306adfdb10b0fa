import Database
import Foundation
import HuiminCore

/// 扫码报到 and 排队候诊 as the resident and the hospital's queue system see them.
public struct QueueService: Sendable {
    let bookings: BookingStore
    let service: BookingService
    let codes: CheckInCode
    let clock: any HuiminClock
    /// 过号: a patient who missed the call goes back behind this many others.
    let passBehind = 3

    public init(bookings: BookingStore, service: BookingService, codes: CheckInCode, clock: any HuiminClock) {
        self.bookings = bookings
        self.service = service
        self.codes = codes
        self.clock = clock
    }

    public struct Standing: Codable, Sendable, Equatable {
        public var state: String
        /// 1 for the next to be called; nil when not waiting.
        public var position: Int?
        public var ahead: Int
        public var estimatedWaitMinutes: Int
    }

    /// The resident scans the clinic's code on arrival.
    public func checkIn(accountID: String, bookingID: String, code: String) async throws -> (booking: BookingView, queue: Standing) {
        guard let detail = try await bookings.booking(id: bookingID), detail.booking.accountId == accountID else {
            throw AppError.notFound("booking_not_found", "No such booking on this account.")
        }
        let scanned = try codes.department(in: code)
        guard scanned == detail.booking.departmentId || scanned == detail.context.parentDepartmentId else {
            throw AppError.rule("check_in_wrong_department", "This code belongs to another clinic; scan the code at \(detail.context.departmentName).")
        }
        return try await checkIn(detail, actor: .resident(accountID))
    }

    /// A self-service kiosk checks the patient in.
    public func checkIn(hospitalCode: String, bookingID: String) async throws -> (booking: BookingView, queue: Standing) {
        try await checkIn(try await service.booking(hospitalCode: hospitalCode, bookingID: bookingID), actor: .hospital(hospitalCode))
    }

    private func checkIn(_ detail: BookingDetail, actor: AuditActor) async throws -> (booking: BookingView, queue: Standing) {
        let now = clock.now()
        let policy = try await service.policy(hospitalCode: detail.booking.hospitalCode, departmentID: detail.booking.departmentId)
        if detail.booking.state == "confirmed" {
            let opens = detail.context.startsAt.addingTimeInterval(-TimeInterval(policy.checkIn.minutesBefore * 60))
            let closes = detail.context.startsAt.addingTimeInterval(TimeInterval(policy.checkIn.minutesAfter * 60))
            if now < opens {
                throw AppError.rule("check_in_too_early", "Check-in opens at \(ISO8601.string(opens)).")
            }
            if now > closes {
                throw AppError.rule("check_in_too_late", "Check-in closed at \(ISO8601.string(closes)); please see the clinic's nurse.")
            }
        }
        // On time, the segment's start orders the queue (预约优先); late, the arrival does.
        let queueKey = ISO8601.string(max(detail.context.startsAt, now)) + "#" + String(format: "%05d", detail.booking.visitNumber)
        let row = try await bookings.checkIn(bookingID: detail.booking.id, queueKey: queueKey, actor: actor,
                                             nearTurnAhead: policy.nearTurnAhead, now: now)
        let view = BookingView(BookingDetail(booking: row, context: detail.context), policy: policy)
        return (view, try await standing(bookingID: row.id, policy: policy))
    }

    public func standing(accountID: String, bookingID: String) async throws -> Standing {
        let view = try await service.booking(accountID: accountID, bookingID: bookingID)
        return try await standing(bookingID: bookingID,
                                  policy: try await service.policy(hospitalCode: view.hospitalCode, departmentID: view.departmentId))
    }

    private func standing(bookingID: String, policy: BookingPolicy) async throws -> Standing {
        guard let standing = try await bookings.standing(bookingID: bookingID) else {
            throw AppError.notFound("booking_not_found", "No such booking.")
        }
        let perPatient = standing.meanConsultSeconds ?? Double(policy.consultMinutes * 60)
        let waiting = standing.state == "checked_in"
        return Standing(state: standing.state, position: waiting ? standing.ahead + 1 : nil, ahead: standing.ahead,
                        estimatedWaitMinutes: waiting ? Int((Double(standing.ahead) * perPatient / 60).rounded(.up)) : 0)
    }

    /// The hospital's queue system reports a call, a completed visit or a missed call.
    public func report(_ action: BookingStore.QueueAction, bookingID: String, hospitalCode: String) async throws -> (booking: BookingView, queue: Standing) {
        let detail = try await service.booking(hospitalCode: hospitalCode, bookingID: bookingID)
        let policy = try await service.policy(hospitalCode: hospitalCode, departmentID: detail.booking.departmentId)
        let row = try await bookings.queue(action, bookingID: bookingID, hospitalCode: hospitalCode, nearTurnAhead: policy.nearTurnAhead,
                                           passBehind: passBehind, now: clock.now())
        return (BookingView(BookingDetail(booking: row, context: detail.context), policy: policy),
                try await standing(bookingID: bookingID, policy: policy))
    }

    /// The code a hospital prints at a department's door.
    public func checkInCode(hospitalCode: String, departmentCode: String) async throws -> String {
        guard let id = try await bookings.departmentID(hospitalCode: hospitalCode, code: departmentCode) else {
            throw AppError.notFound("department_not_found", "No such department at this hospital.")
        }
        return codes.code(departmentID: id)
    }
}
