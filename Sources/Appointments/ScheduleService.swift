import Database
import Foundation
import HuiminCore

/// Schedule publishing (排班) and 加号. The shape of a publish is checked here, before any
/// read; whether it strands bookings is checked by the store inside the publish's transaction.
public struct ScheduleService: Sendable {
    public static let registrationTypes: Set<String> = ["general", "expert", "special"]
    public static let maxCapacity = 10_000
    /// ¥100,000: no single registration costs more; a bigger number is a unit mistake (yuan vs fen × 100).
    public static let maxFeeFen: Int64 = 10_000_000

    let schedules: ScheduleStore
    let clock: any HuiminClock

    public init(schedules: ScheduleStore, clock: any HuiminClock) {
        self.schedules = schedules
        self.clock = clock
    }

    public func publish(hospitalCode: String, request: ScheduleRequest, actor: AuditActor) async throws -> PublishCounts {
        let sessions = try Self.check(request)
        return try await schedules.publish(hospitalCode: hospitalCode, sessions: sessions, actor: actor, now: clock.now()) { layers in
            try BookingPolicy.effective(hospital: layers.hospital, department: layers.department).onSiteSharePercent
        }
    }

    /// 加号 by staff: `count` more places in a segment, with the reason on the audit record.
    public func addExtra(slotID: String, count: Int, reason: String, actor: AuditActor) async throws -> StaffSlotView {
        guard (1...50).contains(count) else {
            throw AppError.invalid("extra_count_invalid", "Add 1 to 50 places at a time.")
        }
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw AppError.invalid("reason_missing", "Say why the places are added; the audit log keeps it.") }
        guard reason.count <= 200 else { throw AppError.invalid("reason_too_long", "A reason is at most 200 characters.") }
        guard let slot = try await schedules.addExtra(slotID: slotID, count: count, reason: reason, actor: actor, now: clock.now()) else {
            throw AppError.notFound("slot_not_found", "No such time segment.")
        }
        return StaffSlotView(slot)
    }

    /// Checks every session and segment and resolves wall-clock times to instants.
    static func check(_ request: ScheduleRequest) throws -> [PublishedSession] {
        guard request.sessions.count <= 20_000 else {
            throw AppError.invalid("schedule_invalid", "Publish at most 20,000 sessions at a time.")
        }
        var seen = Set<String>()
        return try request.sessions.map { session in
            guard BusinessCalendar.isDay(session.day) else {
                throw AppError.invalid("day_invalid", "Session \(session.label): a day is written YYYY-MM-DD.")
            }
            guard Period(rawValue: session.period) != nil else {
                throw AppError.invalid("period_invalid", "Session \(session.label): a period is morning, afternoon or evening.")
            }
            guard seen.insert("\(session.resourceCode)\u{1F}\(session.day)\u{1F}\(session.period)").inserted else {
                throw AppError.invalid("schedule_invalid", "Session \(session.label) appears twice in the body.")
            }
            let status = session.status ?? "open"
            guard status == "open" || status == "suspended" else {
                throw AppError.invalid("schedule_invalid", "Session \(session.label): status is open or suspended.")
            }
            var reason: String?
            if status == "suspended" {
                let text = (session.suspendReason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else {
                    throw AppError.invalid("reason_missing", "Session \(session.label) is suspended: give a suspendReason; residents are told it.")
                }
                guard text.count <= 200 else { throw AppError.invalid("reason_too_long", "A reason is at most 200 characters.") }
                reason = text
            }
            return PublishedSession(resourceCode: session.resourceCode, day: session.day, period: session.period, status: status,
                                    suspendReason: reason, segments: try segments(session))
        }
    }

    private static func segments(_ session: ScheduleRequest.Session) throws -> [PublishedSegment] {
        guard session.segments.count <= 96 else {
            throw AppError.invalid("schedule_invalid", "Session \(session.label) has more than 96 segments.")
        }
        var out: [(start: Int, end: Int, segment: PublishedSegment)] = []
        for segment in session.segments {
            let label = "\(segment.start)–\(segment.end)"
            guard let start = ClockTime(segment.start), let end = ClockTime(segment.end), start < end,
                  let startsAt = BusinessCalendar.instant(day: session.day, minutes: start.minutes),
                  let endsAt = BusinessCalendar.instant(day: session.day, minutes: end.minutes) else {
                throw AppError.invalid("segment_time_invalid",
                    "Session \(session.label), segment \(label): times are HH:mm within the day, the start before the end.")
            }
            guard (0...maxCapacity).contains(segment.capacity) else {
                throw AppError.invalid("capacity_invalid", "Session \(session.label), segment \(label): capacity is 0 to \(maxCapacity).")
            }
            if let reserved = segment.reserved, !(0...segment.capacity).contains(reserved) {
                throw AppError.invalid("capacity_invalid", "Session \(session.label), segment \(label): reserved is 0 to the capacity.")
            }
            guard (0...maxFeeFen).contains(segment.feeFen) else {
                throw AppError.invalid("fee_invalid", "Session \(session.label), segment \(label): feeFen is 0 to \(maxFeeFen) fen.")
            }
            guard registrationTypes.contains(segment.registrationType) else {
                throw AppError.invalid("registration_type_invalid",
                    "Session \(session.label), segment \(label): registrationType is general, expert or special.")
            }
            out.append((start.minutes, end.minutes,
                        PublishedSegment(label: label, startsAt: startsAt, endsAt: endsAt, capacity: segment.capacity, feeFen: segment.feeFen,
                                         registrationType: segment.registrationType, reserved: segment.reserved)))
        }
        out.sort { $0.start < $1.start }
        for (previous, next) in zip(out, out.dropFirst()) where next.start < previous.end {
            throw AppError.invalid("segment_overlap",
                "Session \(session.label): segments \(previous.segment.label) and \(next.segment.label) overlap.")
        }
        return out.map(\.segment)
    }
}
