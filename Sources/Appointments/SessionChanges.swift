import Database
import Foundation
import HuiminCore

/// 停诊 and 替诊 asked for by a hospital system (by its own resource code, day and period) or by
/// staff (by session ID).
public struct SessionChanges: Sendable {
    let bookings: BookingStore
    let clock: any HuiminClock

    public init(bookings: BookingStore, clock: any HuiminClock) {
        self.bookings = bookings
        self.clock = clock
    }

    public struct Outcome: Codable, Sendable {
        public var sessionId: String
        /// Bookings cancelled (suspension) or told of the new doctor (substitution).
        public var bookingsAffected: Int
    }

    public func session(hospitalCode: String, resourceCode: String, day: String, period: String) async throws -> String {
        guard BusinessCalendar.isDay(day) else { throw AppError.invalid("day_invalid", "A day is written YYYY-MM-DD.") }
        guard Period(rawValue: period) != nil else {
            throw AppError.invalid("period_invalid", "A period is morning, afternoon or evening.")
        }
        guard let id = try await bookings.sessionID(hospitalCode: hospitalCode, resourceCode: resourceCode, day: day, period: period) else {
            throw AppError.notFound("session_not_found", "No such clinic session.")
        }
        return id
    }

    public func suspend(sessionID: String, reason: String, actor: AuditActor) async throws -> Outcome {
        let reason = try Self.reason(reason)
        let count = try await bookings.suspend(sessionID: sessionID, reason: reason, actor: actor, now: clock.now())
        return Outcome(sessionId: sessionID, bookingsAffected: count)
    }

    public func substitute(sessionID: String, doctorID: String, reason: String, actor: AuditActor) async throws -> Outcome {
        let reason = try Self.reason(reason)
        let count = try await bookings.substitute(sessionID: sessionID, doctorID: doctorID, reason: reason, actor: actor, now: clock.now())
        return Outcome(sessionId: sessionID, bookingsAffected: count)
    }

    public func doctorID(hospitalCode: String, code: String) async throws -> String {
        guard let id = try await bookings.doctorID(hospitalCode: hospitalCode, code: code) else {
            throw AppError.notFound("doctor_not_found", "No such doctor at this hospital.")
        }
        return id
    }

    /// Staff act on sessions of any hospital; the session must exist.
    public func requireSession(_ sessionID: String) async throws {
        guard try await bookings.sessionHospital(sessionID: sessionID) != nil else {
            throw AppError.notFound("session_not_found", "No such clinic session.")
        }
    }

    /// Residents read the reason in their notice, so it must be there and short.
    static func reason(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw AppError.invalid("reason_missing", "Give a reason; residents are told it.") }
        guard trimmed.count <= 200 else { throw AppError.invalid("reason_too_long", "A reason is at most 200 characters.") }
        return trimmed
    }
}
