/// One clinic session as a hospital's HIS publishes it: a resource's day and period cut into
/// equal back-to-back segments. Scripts and the load test describe sessions this way and the
/// spec writes the `PUT /integration/v1/schedules` entry.
struct ScheduleSpec: Sendable, Equatable {
    var resource: String
    var day: String
    var period: String?
    /// First segment's start, HH:mm; by default the period's usual start.
    var start: String?
    var segments = 1
    var minutes = 30
    var capacity = 10
    var feeFen: Int64 = 0
    var registrationType = "general"
    /// Places kept for on-site patients; sent explicitly so a hospital default cannot change the count.
    var reserved = 0
    var status: String?
    var reason: String?

    /// The session's entry in the schedules body. Segments must stay within the day: a session
    /// never runs past midnight.
    func session() throws(SimFailure) -> JSONValue {
        guard segments > 0, minutes > 0, capacity >= 0, reserved >= 0, reserved <= capacity, feeFen >= 0 else {
            throw SimFailure("a schedule needs segments > 0, minutes > 0 and 0 <= reserved <= capacity")
        }
        let period = try resolvedPeriod()
        let first = try firstStart(period: period)
        guard first + segments * minutes <= 24 * 60 else {
            throw SimFailure("\(segments) segments of \(minutes) minutes from \(BusinessTime.clock(first)) run past midnight")
        }
        let items: [JSONValue] = (0..<segments).map { index in
            let from = first + index * minutes
            return .object([
                "start": .string(BusinessTime.clock(from)), "end": .string(BusinessTime.clock(from + minutes)),
                "capacity": .number(Double(capacity)), "feeFen": .number(Double(feeFen)),
                "registrationType": .string(registrationType), "reserved": .number(Double(reserved)),
            ])
        }
        return .fields([
            "resourceCode": .string(resource), "day": .string(day), "period": .string(period),
            "status": status.map(JSONValue.string), "suspendReason": reason.map(JSONValue.string),
            "segments": .array(items),
        ])
    }

    func body() throws(SimFailure) -> JSONValue {
        .object(["sessions": .array([try session()])])
    }

    private func resolvedPeriod() throws(SimFailure) -> String {
        if let period {
            guard BusinessTime.periodStarts.contains(where: { $0.period == period }) else {
                throw SimFailure("period is morning, afternoon or evening")
            }
            return period
        }
        guard let start, let minutes = BusinessTime.minutes(start) else { return "morning" }
        return BusinessTime.period(startingAt: minutes)
    }

    private func firstStart(period: String) throws(SimFailure) -> Int {
        guard let start else { return BusinessTime.periodStarts.first { $0.period == period }!.minutes }
        guard let minutes = BusinessTime.minutes(start) else { throw SimFailure("start is a time HH:mm") }
        return minutes
    }
}
