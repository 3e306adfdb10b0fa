import Foundation

/// Appointments as the resident's mini-program uses them: browse hospitals, departments,
/// resources and segments; book, list, cancel; check in by scanning the clinic's code; watch the queue.
extension SimConnection {
    func hospitals() async throws -> SimResponse {
        try await api("GET", "/api/v1/hospitals")
    }

    func departments(hospital: String) async throws -> SimResponse {
        try await api("GET", "/api/v1/hospitals/\(hospital.urlQueryEncoded)/departments")
    }

    func resources(department: String, from: String?, to: String?) async throws -> SimResponse {
        let query = [("from", from), ("to", to)].compactMap { name, value in value.map { "\(name)=\($0.urlQueryEncoded)" } }
        return try await api("GET", "/api/v1/departments/\(department.urlQueryEncoded)/resources"
                             + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
    }

    func slots(session: String) async throws -> SimResponse {
        try await api("GET", "/api/v1/sessions/\(session.urlQueryEncoded)/slots")
    }

    func search(_ text: String, hospital: String?) async throws -> SimResponse {
        try await api("GET", "/api/v1/search?q=\(text.urlQueryEncoded)" + (hospital.map { "&hospital=\($0.urlQueryEncoded)" } ?? ""))
    }

    /// Books with an `Idempotency-Key`, so a retried tap returns the same booking (200) rather
    /// than a second one.
    func book(member: String, slot: String, idempotencyKey: String) async throws -> SimResponse {
        let body = JSONValue.object(["memberId": .string(member), "slotId": .string(slot)])
        var headers = [("Idempotency-Key", idempotencyKey)]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        return try await send("POST", "/api/v1/bookings", body: body.bytes, to: .server, headers: headers)
    }

    func bookings(state: String?) async throws -> SimResponse {
        try await api("GET", "/api/v1/bookings" + (state.map { "?state=\($0.urlQueryEncoded)" } ?? ""))
    }

    func booking(_ id: String) async throws -> SimResponse {
        try await api("GET", "/api/v1/bookings/\(id.urlQueryEncoded)")
    }

    func cancelBooking(_ id: String, reason: String?) async throws -> SimResponse {
        try await api("POST", "/api/v1/bookings/\(id.urlQueryEncoded)/cancel", .fields(["reason": reason.map(JSONValue.string)]))
    }

    /// The resident scans the code at the clinic's door.
    func checkIn(_ id: String, code: String) async throws -> SimResponse {
        try await api("POST", "/api/v1/bookings/\(id.urlQueryEncoded)/check-in", .object(["code": .string(code)]))
    }

    func queue(_ id: String) async throws -> SimResponse {
        try await api("GET", "/api/v1/bookings/\(id.urlQueryEncoded)/queue")
    }
}

/// How the simulator shows a booking and a queue place in a transcript.
enum AppointmentText {
    static func booking(_ booking: JSONValue) -> String {
        let field = { (name: String) in booking.at(name).flatMap { $0 == .null ? nil : $0.text } ?? "-" }
        var line = "\(field("id")) \(field("state")): \(field("departmentName")) \(field("resourceName")) \(field("day")) "
            + "\(field("period")) No.\(field("visitNumber")) \(field("registrationType")) fee \(yuan(booking.at("feeFen")))"
        if let due = booking.at("amountDueFen"), due != .number(0), due != .null {
            line += ", to pay \(yuan(due)) before \(field("lockExpiresAt"))"
        }
        return line + ", cancel until \(field("cancelDeadline"))"
    }

    static func queue(_ queue: JSONValue) -> String {
        let field = { (name: String) in queue.at(name).flatMap { $0 == .null ? nil : $0.text } ?? "-" }
        return "queue: \(field("state")), position \(field("position")), \(field("ahead")) ahead, about \(field("estimatedWaitMinutes")) min"
    }

    /// Fen as yuan with two decimals: what the resident reads on the payment screen.
    static func yuan(_ fen: JSONValue?) -> String {
        guard case .number(let value)? = fen else { return "-" }
        let amount = Int64(value)
        return "¥\(amount / 100).\(String(format: "%02d", amount % 100))"
    }
}
