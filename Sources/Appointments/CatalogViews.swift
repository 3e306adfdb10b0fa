import Database
import Foundation
import HuiminCore

/// What the mini-program shows while a resident browses. Optional fields the contract spells as
/// `null` (a resource without a doctor, an open segment's closedReason) are written as null,
/// not left out, so the client can tell "none" from an old server.

public struct HospitalView: Encodable, Sendable {
    public var code: String
    public var name: String
    public var campuses: [CampusRecord]
}

public struct DepartmentView: Encodable, Sendable {
    public var id: String
    public var code: String
    public var name: String
    public var introduction: String
    public var campus: CampusRecord?
    public var minAge: Int?
    public var maxAge: Int?
    public var sex: String?
    /// Search results come from several hospitals and levels.
    public var hospitalCode: String?
    public var parentId: String?
    /// Sub-departments of a top-level department in the hospital listing; absent elsewhere.
    public var children: [DepartmentView]?

    init(_ record: DepartmentRecord, children: [DepartmentView]? = nil, searchResult: Bool = false) {
        id = record.id
        code = record.code
        name = record.name
        introduction = record.introduction
        campus = record.campus
        minAge = record.minAge
        maxAge = record.maxAge
        sex = record.sex
        hospitalCode = searchResult ? record.hospitalCode : nil
        parentId = record.parentId
        self.children = children
    }

    enum CodingKeys: String, CodingKey { case id, code, name, introduction, campus, minAge, maxAge, sex, hospitalCode, parentId, children }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(code, forKey: .code)
        try c.encode(name, forKey: .name)
        try c.encode(introduction, forKey: .introduction)
        try c.encode(campus, forKey: .campus)
        try c.encode(minAge, forKey: .minAge)
        try c.encode(maxAge, forKey: .maxAge)
        try c.encode(sex, forKey: .sex)
        try c.encode(parentId, forKey: .parentId)
        try c.encodeIfPresent(hospitalCode, forKey: .hospitalCode)
        try c.encodeIfPresent(children, forKey: .children)
    }
}

public struct DoctorView: Encodable, Sendable {
    public var id: String
    public var name: String
    public var title: String
    public var specialties: [String]
    public var introduction: String
    public var photoUrl: String
    /// Search results only: where the doctor works and which resources (clinics) to open.
    public var hospitalCode: String?
    public var resources: [String]?

    init(_ record: DoctorRecord, searchResult: Bool = false) {
        id = record.id
        name = record.name
        title = record.title
        specialties = record.specialties
        introduction = record.introduction
        photoUrl = record.photoUrl
        hospitalCode = searchResult ? record.hospitalCode : nil
        resources = searchResult ? record.resourceIds : nil
    }
}

public struct ResourceView: Encodable, Sendable {
    public var id: String
    public var kind: String
    public var name: String
    public var notes: String
    public var doctor: DoctorView?
    public var days: [DayView]

    enum CodingKeys: String, CodingKey { case id, kind, name, notes, doctor, days }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(name, forKey: .name)
        try c.encode(notes, forKey: .notes)
        try c.encode(doctor, forKey: .doctor)
        try c.encode(days, forKey: .days)
    }
}

/// One session in a resource's date listing: places left over all its segments, and whether any
/// segment can be booked online now (if not, the rule that stops it).
public struct DayView: Encodable, Sendable {
    public var day: String
    public var period: String
    public var sessionId: String
    public var status: String
    public var remaining: Int
    public var bookable: Bool
    public var closedReason: String?

    enum CodingKeys: String, CodingKey { case day, period, sessionId, status, remaining, bookable, closedReason }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(day, forKey: .day)
        try c.encode(period, forKey: .period)
        try c.encode(sessionId, forKey: .sessionId)
        try c.encode(status, forKey: .status)
        try c.encode(remaining, forKey: .remaining)
        try c.encode(bookable, forKey: .bookable)
        try c.encode(closedReason, forKey: .closedReason)
    }
}

public struct SessionView: Encodable, Sendable {
    public var id: String
    public var hospitalCode: String
    public var departmentId: String
    public var resourceId: String
    public var day: String
    public var period: String
    public var status: String
    public var doctor: DoctorView?
    public var substituteDoctor: DoctorView?

    enum CodingKeys: String, CodingKey { case id, hospitalCode, departmentId, resourceId, day, period, status, doctor, substituteDoctor }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(hospitalCode, forKey: .hospitalCode)
        try c.encode(departmentId, forKey: .departmentId)
        try c.encode(resourceId, forKey: .resourceId)
        try c.encode(day, forKey: .day)
        try c.encode(period, forKey: .period)
        try c.encode(status, forKey: .status)
        try c.encode(doctor, forKey: .doctor)
        try c.encode(substituteDoctor, forKey: .substituteDoctor)
    }
}

public struct SlotView: Encodable, Sendable {
    public var id: String
    public var startsAt: String
    public var endsAt: String
    /// Wall-clock times in Asia/Shanghai, as the clinic's sign shows them.
    public var start: String
    public var end: String
    public var registrationType: String
    public var feeFen: Int64
    public var remaining: Int
    public var bookable: Bool
    public var closedReason: String?

    enum CodingKeys: String, CodingKey { case id, startsAt, endsAt, start, end, registrationType, feeFen, remaining, bookable, closedReason }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(startsAt, forKey: .startsAt)
        try c.encode(endsAt, forKey: .endsAt)
        try c.encode(start, forKey: .start)
        try c.encode(end, forKey: .end)
        try c.encode(registrationType, forKey: .registrationType)
        try c.encode(feeFen, forKey: .feeFen)
        try c.encode(remaining, forKey: .remaining)
        try c.encode(bookable, forKey: .bookable)
        try c.encode(closedReason, forKey: .closedReason)
    }
}

public struct SessionSlotsView: Encodable, Sendable {
    public var session: SessionView
    public var slots: [SlotView]
}

public struct SearchView: Encodable, Sendable {
    public var departments: [DepartmentView]
    public var doctors: [DoctorView]
}

/// A segment as staff see it after 加号: the counts behind `remaining`.
public struct StaffSlotView: Encodable, Sendable {
    public var id: String
    public var sessionId: String
    public var startsAt: String
    public var endsAt: String
    public var start: String
    public var end: String
    public var registrationType: String
    public var feeFen: Int64
    public var capacity: Int
    public var reserved: Int
    public var extra: Int
    public var taken: Int
    public var remaining: Int

    init(_ slot: SlotRecord) {
        id = slot.id
        sessionId = slot.sessionId
        startsAt = ISO8601.string(slot.startsAt)
        endsAt = ISO8601.string(slot.endsAt)
        start = WallClock.text(slot.startsAt)
        end = WallClock.text(slot.endsAt)
        registrationType = slot.registrationType
        feeFen = slot.feeFen
        capacity = slot.capacity
        reserved = slot.reserved
        extra = slot.extra
        taken = slot.taken - slot.expiredLocks
        remaining = slot.remaining
    }
}

/// HH:mm of an instant in the business time zone.
enum WallClock {
    static func text(_ date: Date) -> String {
        let minutes = BusinessCalendar.minuteOfDay(date)
        return String(format: "%02d:%02d", minutes / 60, minutes % 60)
    }
}
