import Foundation

/// The load-test hospital as its HIS would publish it: plain departments with one general
/// clinic each, a policy that lets residents book around the clock, and a grid of sessions.
struct LoadHospital: Sendable {
    let client: LoadClient
    let hospital: String

    /// Each department's sessions: three periods of four 30-minute segments.
    static let segmentsPerPeriod = 4
    static let slotsPerDay = segmentsPerPeriod * BusinessTime.periodStarts.count

    static func departmentCode(_ index: Int) -> String { String(format: "L%02d", index) }
    static func resourceCode(_ department: String) -> String { "R-" + department }

    /// Booking open at any hour (no blackout, no cut-offs), no places held back for on-site
    /// patients, and a high live-booking limit: the load test measures booking, not the rules.
    static func policy(horizonDays: Int, maxActiveBookings: Int) -> JSONValue {
        .object([
            "horizonDays": .number(Double(horizonDays)), "releaseTime": .string("00:00"), "blackout": .null,
            "tomorrowCutoff": .string("23:59"), "onSiteSharePercent": .number(0),
            "maxActiveBookings": .number(Double(maxActiveBookings)),
            "sameDay": .object(["allowed": .bool(true), "morningCutoff": .string("23:59"), "afternoonCutoff": .string("23:59"),
                                "eveningCutoff": .string("23:59")]),
        ])
    }

    func setPolicy(horizonDays: Int, maxActiveBookings: Int? = nil) async throws {
        let body: JSONValue = maxActiveBookings.map { Self.policy(horizonDays: horizonDays, maxActiveBookings: $0) }
            ?? .object(["horizonDays": .number(Double(horizonDays))])
        _ = try await client.integration("PUT", "/integration/v1/policy", body: body)
    }

    /// The whole catalog each time (the grid's departments plus any extra race department), so
    /// a publish never leaves out what an earlier one put in.
    func publishCatalog(departments: Int, extra: String? = nil) async throws {
        var codes = (0..<departments).map(Self.departmentCode)
        if let extra { codes.append(extra) }
        let body = JSONValue.object([
            "campuses": .array([.object(["code": .string("LOAD"), "name": .string("负载测试院区")])]),
            "departments": .array(codes.map { .object(["code": .string($0), "name": .string("负载测试\($0)"), "campusCode": .string("LOAD")]) }),
            "doctors": .array([]),
            "resources": .array(codes.map {
                .object(["code": .string(Self.resourceCode($0)), "kind": .string("outpatient"), "departmentCode": .string($0),
                         "name": .string("\($0) 普通门诊")])
            }),
        ])
        _ = try await client.integration("PUT", "/integration/v1/catalog", body: body)
    }

    func publish(_ sessions: [ScheduleSpec]) async throws {
        var items: [JSONValue] = []
        for spec in sessions { items.append(try spec.session()) }
        _ = try await client.integration("PUT", "/integration/v1/schedules", body: .object(["sessions": .array(items)]))
    }

    /// One day of the grid: every department, every period, `capacity` places per segment.
    static func gridDay(_ day: String, departments: Int, capacity: Int) -> [ScheduleSpec] {
        (0..<departments).flatMap { index in
            BusinessTime.periodStarts.map { period, _ in
                ScheduleSpec(resource: resourceCode(departmentCode(index)), day: day, period: period, start: nil,
                             segments: segmentsPerPeriod, minutes: 30, capacity: capacity)
            }
        }
    }

    /// Department IDs by code, as residents see them.
    func departmentIDs(token: String) async throws -> [String: String] {
        let reply = await client.api("GET", "/api/v1/hospitals/\(hospital.urlQueryEncoded)/departments", token: token)
        guard reply.isSuccess, case .array(let top)? = reply.json?.at("departments") else {
            throw SimFailure("listing the load hospital's departments answered \(reply.code)")
        }
        var ids: [String: String] = [:]
        for department in top {
            var all = [department]
            if case .array(let children)? = department.at("children") { all += children }
            for item in all {
                if let code = item.at("code")?.stringValue, let id = item.at("id")?.stringValue { ids[code] = id }
            }
        }
        return ids
    }

    /// The slots of a department's sessions on `days`, per day in period order, as a resident
    /// browsing finds them.
    func slots(department: String, days: [String], token: String) async throws -> [[String]] {
        let reply = await client.api("GET", "/api/v1/departments/\(department)/resources?from=\(days.first!)&to=\(days.last!)", token: token)
        guard reply.isSuccess, case .array(let resources)? = reply.json?.at("resources") else {
            throw SimFailure("listing resources answered \(reply.code)")
        }
        let order = Dictionary(uniqueKeysWithValues: BusinessTime.periodStarts.enumerated().map { ($1.period, $0) })
        var sessions: [String: [(Int, String)]] = [:]
        for resource in resources {
            guard case .array(let entries)? = resource.at("days") else { continue }
            for entry in entries {
                guard let day = entry.at("day")?.stringValue, let period = entry.at("period")?.stringValue,
                      let session = entry.at("sessionId")?.stringValue else { continue }
                sessions[day, default: []].append((order[period] ?? 9, session))
            }
        }
        var out: [[String]] = []
        for day in days {
            var ids: [String] = []
            for (_, session) in (sessions[day] ?? []).sorted(by: { $0.0 < $1.0 }) {
                ids += try await slotIDs(session: session, token: token).map(\.id)
            }
            out.append(ids)
        }
        return out
    }

    /// A session's slots with what the server says of each.
    func slotIDs(session: String, token: String) async throws -> [(id: String, remaining: Int, closedReason: String?)] {
        let reply = await client.api("GET", "/api/v1/sessions/\(session)/slots", token: token)
        guard reply.isSuccess, case .array(let slots)? = reply.json?.at("slots") else {
            throw SimFailure("listing a session's slots answered \(reply.code)")
        }
        return slots.compactMap { slot in
            guard let id = slot.at("id")?.stringValue else { return nil }
            let remaining: Int
            if case .number(let value)? = slot.at("remaining") { remaining = Int(value) } else { remaining = -1 }
            return (id, remaining, slot.at("closedReason")?.stringValue)
        }
    }
}
