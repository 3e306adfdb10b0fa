import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// What the catalog, schedule and policy tests share: the demo hospital's catalog from
/// assets/catalog, schedule bodies written as a HIS sends them, staff logins, and direct looks
/// at the database for what the API does not show (audit rows, counts).
enum CatalogKit {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The demo hospital: 2 campuses, 15 departments, 10 doctors, 17 resources (44 entries).
    static func demoCatalog() throws -> String {
        try String(contentsOf: root.appendingPathComponent("assets/catalog/demo-hospital.json"), encoding: .utf8)
    }

    static let demoEntries = 44

    struct Segment: Sendable {
        var start: String
        var end: String
        var capacity: Int = 10
        var feeFen: Int64 = 0
        var type = "general"
        /// Nil leaves it to the policy's on-site share.
        var reserved: Int? = 0
    }

    struct Session: Sendable {
        var resource: String
        var day: String
        var period = "morning"
        var status: String?
        var reason: String?
        var segments: [Segment]
    }

    /// A `PUT /schedules` body.
    static func schedule(_ sessions: [Session]) -> String {
        let list: [[String: Any]] = sessions.map { session in
            var object: [String: Any] = [
                "resourceCode": session.resource, "day": session.day, "period": session.period,
                "segments": session.segments.map { segment -> [String: Any] in
                    var s: [String: Any] = ["start": segment.start, "end": segment.end, "capacity": segment.capacity,
                                            "feeFen": segment.feeFen, "registrationType": segment.type]
                    if let reserved = segment.reserved { s["reserved"] = reserved }
                    return s
                },
            ]
            if let status = session.status { object["status"] = status }
            if let reason = session.reason { object["suspendReason"] = reason }
            return object
        }
        let data = try! JSONSerialization.data(withJSONObject: ["sessions": list], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// Connects the demo hospital's HIS and uploads its catalog.
    static func demoHospital(_ h: TestHarness, _ client: any TestClientProtocol) async throws -> Terminal {
        let terminal = try await Terminal.connect(h)
        let upserted = try await terminal.call(client, h, .put, "/integration/v1/catalog", json: try demoCatalog())
        #expect(upserted.status == 200, "\(upserted.body)")
        return terminal
    }

    /// A logged-in staff user with `role`.
    static func staff(_ h: TestHarness, _ client: any TestClientProtocol, role: String) async throws -> String {
        let username = "\(role)-\(UUID().uuidString.prefix(6))".lowercased()
        _ = try await h.services.staff.create(username: username, password: "correct horse battery", role: role)
        let login = try await client.call(.post, "/api/v1/staff/login",
                                          json: #"{"username":"\#(username)","password":"correct horse battery"}"#)
        return try #require(login["token"] as? String)
    }

    static func count(_ h: TestHarness, _ sql: String, _ arguments: StatementArguments = []) async throws -> Int {
        try await h.services.database.pool.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    static func id(_ h: TestHarness, _ table: String, code: String) async throws -> String {
        try await h.services.database.pool.read { db in
            try #require(try String.fetchOne(db, sql: "SELECT id FROM \(table) WHERE code = ?", arguments: [code]))
        }
    }

    static func sessionID(_ h: TestHarness, resource: String, day: String, period: String = "morning") async throws -> String {
        try await h.services.database.pool.read { db in
            try #require(try String.fetchOne(db, sql: """
                SELECT cs.id FROM clinic_session cs JOIN resource r ON r.id = cs.resource_id
                WHERE r.code = ? AND cs.day = ? AND cs.period = ?
                """, arguments: [resource, day, period]))
        }
    }

    /// The `slots` of `GET /api/v1/sessions/{id}/slots`.
    static func slots(_ client: any TestClientProtocol, token: String, session: String) async throws -> [[String: any Sendable]] {
        let listed = try await client.call(.get, "/api/v1/sessions/\(session)/slots", token: token)
        #expect(listed.status == 200, "\(listed.body)")
        return (listed["slots"] as? [any Sendable] ?? []).compactMap { $0 as? [String: any Sendable] }
    }

    static func list(_ value: (any Sendable)?) -> [[String: any Sendable]] {
        (value as? [any Sendable] ?? []).compactMap { $0 as? [String: any Sendable] }
    }

    /// APIClient turns a JSON null into the text "<null>"; this says which it was.
    static func isNull(_ value: (any Sendable)?) -> Bool { (value as? String) == "<null>" }
}
