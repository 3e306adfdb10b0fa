import Foundation

/// `PUT /integration/v1/schedules` (and the staff equivalent): the sessions a HIS publishes,
/// each a resource's day and period cut into time segments, in the hospital's own codes.
public struct ScheduleRequest: Decodable, Sendable {
    public var sessions: [Session]

    public struct Session: Decodable, Sendable {
        public var resourceCode: String
        public var day: String
        public var period: String
        /// "open" (the default) or "suspended" (停诊: the session's bookings are cancelled).
        public var status: String?
        public var suspendReason: String?
        public var segments: [Segment]

        var label: String { "\(resourceCode) \(day) \(period)" }
    }

    public struct Segment: Decodable, Sendable {
        /// HH:mm, Asia/Shanghai.
        public var start: String
        public var end: String
        public var capacity: Int
        public var feeFen: Int64
        /// general | expert | special (普通 / 专家 / 特需).
        public var registrationType: String
        /// Places kept for on-site and elderly patients; by default the policy's on-site share.
        public var reserved: Int?
    }
}
