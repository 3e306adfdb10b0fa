import Database
import Foundation
import HuiminCore

/// What residents browse: hospitals, departments, resources with their dates, a session's
/// segments with places left, and search by name. Whether a segment can be booked is worked out
/// here with the same rules the booking itself applies (BookingWindow), so the list never shows
/// a segment as bookable that the booking would refuse for its time.
extension CatalogService {
    public func hospitals() async throws -> [HospitalView] {
        try await catalog.hospitals().map { HospitalView(code: $0.code, name: $0.name, campuses: $0.campuses) }
    }

    /// Top-level departments with their sub-departments.
    public func departments(hospitalCode: String) async throws -> [DepartmentView] {
        guard let records = try await catalog.departments(hospitalCode: hospitalCode) else {
            throw AppError.notFound("hospital_not_found", "No such hospital.")
        }
        let children = Dictionary(grouping: records.filter { $0.parentId != nil }, by: { $0.parentId! })
        return records.filter { $0.parentId == nil }.map { top in
            DepartmentView(top, children: (children[top.id] ?? []).map { DepartmentView($0) })
        }
    }

    /// A department's resources and, per session from `from` to `to` (by default today to the
    /// last day the policy lets residents book), places left and whether it can be booked now.
    public func resources(departmentID: String, from: String?, to: String?) async throws -> [ResourceView] {
        guard let department = try await catalog.department(id: departmentID) else {
            throw AppError.notFound("department_not_found", "No such department.")
        }
        let policy = try await policies.effective(hospitalCode: department.hospitalCode, departmentID: department.id)
        let now = clock.now()
        let today = BusinessCalendar.day(of: now)
        let first = from ?? today
        let last = to ?? BusinessCalendar.adding(days: policy.horizonDays, to: today) ?? today
        for day in [first, last] where !BusinessCalendar.isDay(day) {
            throw AppError.invalid("day_invalid", "from and to are days written YYYY-MM-DD.")
        }
        guard let span = BusinessCalendar.daysBetween(first, last), (0...92).contains(span) else {
            throw AppError.invalid("day_range_invalid", "from must not be after to, and a listing covers at most 92 days.")
        }
        let resources = try await catalog.resources(departmentID: department.id)
        let rows = try await schedules.daySlots(departmentID: department.id, from: first, to: last, now: now)
        var days: [String: [DayView]] = [:]
        var index = rows.startIndex
        while index < rows.endIndex {
            let session = rows[index].sessionId
            let end = rows[index...].firstIndex { $0.sessionId != session } ?? rows.endIndex
            let group = rows[index..<end]
            days[group.first!.resourceId, default: []].append(Self.day(group, policy: policy, now: now))
            index = end
        }
        return resources.map { resource in
            ResourceView(id: resource.id, kind: resource.kind, name: resource.name, notes: resource.notes,
                         doctor: resource.doctor.map { DoctorView($0) }, days: days[resource.id] ?? [])
        }
    }

    /// A session's segments with places left and, for each, why it cannot be booked if it cannot.
    public func slots(sessionID: String) async throws -> SessionSlotsView {
        let now = clock.now()
        guard let found = try await schedules.session(id: sessionID, now: now) else {
            throw AppError.notFound("session_not_found", "No such clinic session.")
        }
        let (session, slots) = found
        let policy = try await policies.effective(hospitalCode: session.hospitalCode, departmentID: session.departmentId)
        let period = Period(rawValue: session.period) ?? .morning
        let views = slots.map { slot in
            let reason = Self.closedReason(status: session.status, remaining: slot.remaining,
                                           window: BookingWindow.closedReason(policy: policy, now: now, day: session.day,
                                                                              period: period, startsAt: slot.startsAt))
            return SlotView(id: slot.id, startsAt: ISO8601.string(slot.startsAt), endsAt: ISO8601.string(slot.endsAt),
                            start: WallClock.text(slot.startsAt), end: WallClock.text(slot.endsAt),
                            registrationType: slot.registrationType, feeFen: slot.feeFen, remaining: slot.remaining,
                            bookable: reason == nil, closedReason: reason)
        }
        let sessionView = SessionView(id: session.id, hospitalCode: session.hospitalCode, departmentId: session.departmentId,
                                      resourceId: session.resourceId, day: session.day, period: session.period, status: session.status,
                                      doctor: session.doctor.map { DoctorView($0) },
                                      substituteDoctor: session.substituteDoctor.map { DoctorView($0) })
        return SessionSlotsView(session: sessionView, slots: views)
    }

    /// Departments and doctors whose names contain `query`, optionally at one hospital.
    public func search(_ query: String?, hospitalCode: String?) async throws -> SearchView {
        let text = (query ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw AppError.invalid("query_missing", "Say what to search for: ?q=….") }
        guard text.count <= 50 else { throw AppError.invalid("query_too_long", "A search is at most 50 characters.") }
        if let hospitalCode, !(try await catalog.hospitalExists(code: hospitalCode)) {
            throw AppError.notFound("hospital_not_found", "No such hospital.")
        }
        let found = try await catalog.search(text, hospitalCode: hospitalCode, limit: Self.searchLimit)
        return SearchView(departments: found.departments.map { DepartmentView($0, searchResult: true) },
                          doctors: found.doctors.map { DoctorView($0, searchResult: true) })
    }

    /// One session of the date listing: bookable when any segment is; otherwise the reason of
    /// its last segment, the one that stays open longest.
    static func day(_ group: ArraySlice<SessionDaySlot>, policy: BookingPolicy, now: Date) -> DayView {
        let first = group.first!
        let period = Period(rawValue: first.period) ?? .morning
        let reasons = group.compactMap { row in
            row.startsAt.map { startsAt in
                closedReason(status: first.status, remaining: row.remaining,
                             window: BookingWindow.closedReason(policy: policy, now: now, day: first.day, period: period, startsAt: startsAt))
            }
        }
        let bookable = reasons.contains { $0 == nil }
        let reason: String? = bookable ? nil : first.status == "suspended" ? "session_suspended" : (reasons.last ?? nil) ?? "slot_full"
        return DayView(day: first.day, period: first.period, sessionId: first.sessionId, status: first.status,
                       remaining: group.reduce(0) { $0 + $1.remaining }, bookable: bookable, closedReason: reason)
    }

    /// Suspension first (nothing about it can be booked), then the release rules, then places.
    static func closedReason(status: String, remaining: Int, window: AppError?) -> String? {
        if status == "suspended" { return "session_suspended" }
        if let window { return window.code }
        return remaining == 0 ? "slot_full" : nil
    }
}
