import Foundation

/// What a hospital's systems send to the integration API (signed with its key): the catalog,
/// schedules and policy from the HIS; suspension and substitution; kiosk check-in, payment at
/// the window, the queue system's calls; the clinic's check-in code. And the staff views a tester
/// checks afterwards.
extension SimConnection {
    /// `PUT /integration/v1/catalog` with a JSON file's contents (after `${var}` expansion, so
    /// one file serves several hospitals or runs).
    func publishCatalog(_ catalog: JSONValue) async throws -> SimResponse {
        try await integration("PUT", "/integration/v1/catalog", catalog)
    }

    func publishSchedules(_ body: JSONValue) async throws -> SimResponse {
        try await integration("PUT", "/integration/v1/schedules", body)
    }

    /// The hospital's policy, or one department's override when `department` is given; partial
    /// JSON is merged over what is there.
    func publishPolicy(_ policy: JSONValue, department: String?) async throws -> SimResponse {
        let path = department.map { "/integration/v1/departments/\($0.urlQueryEncoded)/policy" } ?? "/integration/v1/policy"
        return try await integration("PUT", path, policy)
    }

    func suspendSession(resource: String, day: String, period: String, reason: String) async throws -> SimResponse {
        try await integration("POST", "/integration/v1/sessions/suspend", .object([
            "resourceCode": .string(resource), "day": .string(day), "period": .string(period), "reason": .string(reason),
        ]))
    }

    func substituteSession(resource: String, day: String, period: String, doctor: String, reason: String) async throws -> SimResponse {
        try await integration("POST", "/integration/v1/sessions/substitute", .object([
            "resourceCode": .string(resource), "day": .string(day), "period": .string(period), "doctorCode": .string(doctor),
            "reason": .string(reason),
        ]))
    }

    func kioskCheckIn(_ booking: String) async throws -> SimResponse {
        try await integration("POST", "/integration/v1/bookings/\(booking.urlQueryEncoded)/check-in", .object([:]))
    }

    /// Paid at the hospital's window or kiosk.
    func payAtWindow(_ booking: String, tradeNo: String, amountFen: Int64, channel: String) async throws -> SimResponse {
        try await integration("POST", "/integration/v1/bookings/\(booking.urlQueryEncoded)/payment", .object([
            "tradeNo": .string(tradeNo), "amountFen": .number(Double(amountFen)), "channel": .string(channel),
        ]))
    }

    /// The queue system reports `call`, `complete` or `pass` (过号).
    func reportQueue(_ booking: String, action: String) async throws -> SimResponse {
        try await integration("POST", "/integration/v1/queue/\(booking.urlQueryEncoded)/\(action.urlQueryEncoded)", .object([:]))
    }

    /// The text of the QR code printed at a department's door.
    func checkInCode(department: String) async throws -> SimResponse {
        try await integration("GET", "/integration/v1/departments/\(department.urlQueryEncoded)/check-in-code")
    }

    static let queueActions = ["call", "complete", "pass"]

    // MARK: Staff

    func staffLogin(username: String, password: String) async throws -> SimResponse {
        let response = try await send("POST", "/api/v1/staff/login",
                                      body: JSONValue.object(["username": .string(username), "password": .string(password)]).bytes,
                                      to: .server, headers: [])
        if response.isSuccess { staffToken = response.json?.at("token")?.stringValue }
        return response
    }

    /// The notifications queued about a subject (a booking ID): what the resident will be told.
    func outbox(subject: String) async throws -> SimResponse {
        try await staff("GET", "/api/v1/staff/outbox?subject=\(subject.urlQueryEncoded)")
    }
}
