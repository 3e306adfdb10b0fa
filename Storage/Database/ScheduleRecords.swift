import Foundation

/// A clinic session as the Appointments module hands it to `ScheduleStore.publish`: checked,
/// with its segments' wall-clock times already resolved to instants.
public struct PublishedSession: Sendable {
    public var resourceCode: String
    public var day: String
    public var period: String
    /// "open" or "suspended".
    public var status: String
    public var suspendReason: String?
    public var segments: [PublishedSegment]

    public init(resourceCode: String, day: String, period: String, status: String, suspendReason: String?, segments: [PublishedSegment]) {
        self.resourceCode = resourceCode
        self.day = day
        self.period = period
        self.status = status
        self.suspendReason = suspendReason
        self.segments = segments
    }

    /// How the hospital names the session in error messages.
    var label: String { "\(resourceCode) \(day) \(period)" }
}

public struct PublishedSegment: Sendable {
    /// "08:00–08:30", for messages.
    public var label: String
    public var startsAt: Date
    public var endsAt: Date
    public var capacity: Int
    public var feeFen: Int64
    public var registrationType: String
    /// Nil: the department's on-site share of the capacity.
    public var reserved: Int?

    public init(label: String, startsAt: Date, endsAt: Date, capacity: Int, feeFen: Int64, registrationType: String, reserved: Int?) {
        self.label = label
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.capacity = capacity
        self.feeFen = feeFen
        self.registrationType = registrationType
        self.reserved = reserved
    }
}

/// What a publish did, session by session.
public struct PublishCounts: Codable, Sendable, Equatable {
    public var created = 0
    public var updated = 0
    public var unchanged = 0
    /// Open sessions this publish suspended (停诊), and the bookings that cancelled.
    public var suspended = 0
    public var bookingsCancelled = 0

    public init() {}

    public var changed: Bool { created + updated > 0 }
}

/// One time segment as residents and staff read it. `expiredLocks` are unpaid locks past their
/// expiry that no one has released yet: they no longer hold a place.
public struct SlotRecord: Sendable {
    public var id: String
    public var sessionId: String
    public var startsAt: Date
    public var endsAt: Date
    public var registrationType: String
    public var feeFen: Int64
    public var capacity: Int
    public var reserved: Int
    public var extra: Int
    public var taken: Int
    public var expiredLocks: Int

    /// Places an online booker (not using the on-site share) can still take.
    public var remaining: Int { max(0, capacity - reserved + extra - taken + expiredLocks) }
}

/// A session with the names a resident reads beside its segments.
public struct SessionRecord: Sendable {
    public var id: String
    public var hospitalCode: String
    public var departmentId: String
    public var resourceId: String
    public var day: String
    public var period: String
    public var status: String
    public var doctor: DoctorRecord?
    public var substituteDoctor: DoctorRecord?
}

/// One segment of one session in a department's date listing.
public struct SessionDaySlot: Sendable {
    public var resourceId: String
    public var sessionId: String
    public var day: String
    public var period: String
    public var status: String
    /// Nil for a session without (visible) segments.
    public var startsAt: Date?
    public var remaining: Int
}
