import Appointments
import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// A small clinic written straight into the database, so booking tests do not depend on the
/// catalog and schedule publishing API (which has tests of its own).
struct AppointmentFixture: Sendable {
    /// The visit day every fixture uses, and "now" by default: 10:00 on the day before, after
    /// the release, before tomorrow's cut-off.
    static let day = "2026-12-01"
    static var dayBefore10am: Date { at(day: "2026-11-30", "10:00") }

    static func at(day: String, _ time: String) -> Date {
        BusinessCalendar.instant(day: day, minutes: ClockTime(time)!.minutes)!
    }

    struct Segment: Sendable {
        var start: String
        var end: String
        var capacity: Int
        var feeFen: Int64 = 0
        var reserved: Int = 0
        var type: String = "general"
    }

    struct Clinic: Sendable {
        let hospitalCode: String
        let departmentID: String
        let departmentCode: String
        let resourceID: String
        let resourceCode: String
        let sessionID: String
        let slotIDs: [String]
    }

    /// A department (with optional age/sex limits), a doctor's clinic and a session of segments.
    static func clinic(_ h: TestHarness, hospital: String = "H0001", department: String = "NEI", departmentName: String = "内科",
                       minAge: Int? = nil, maxAge: Int? = nil, sex: String? = nil, kind: String = "outpatient",
                       day: String = day, period: String = "morning",
                       segments: [Segment] = [Segment(start: "08:00", end: "08:30", capacity: 5)]) async throws -> Clinic {
        let now = h.clock.now()
        return try await h.services.database.pool.write { db in
            try db.execute(sql: "INSERT INTO hospital (code, name, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           arguments: [hospital, "第一人民医院", now])
            let departmentID = try String.fetchOne(db, sql: "SELECT id FROM department WHERE hospital_code = ? AND code = ?",
                                                   arguments: [hospital, department]) ?? {
                let id = TypedID.make("dep")
                try db.execute(sql: """
                    INSERT INTO department (id, hospital_code, code, name, min_age, max_age, sex, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, hospital, department, departmentName, minAge, maxAge, sex, now])
                return id
            }()
            let doctorID = TypedID.make("doc")
            let doctorCode = "D-\(doctorID.suffix(6))"
            try db.execute(sql: "INSERT INTO doctor (id, hospital_code, code, name, title, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [doctorID, hospital, doctorCode, "李医生", "主任医师", now])
            let resourceID = TypedID.make("rsc")
            let resourceCode = "R-\(resourceID.suffix(6))"
            try db.execute(sql: """
                INSERT INTO resource (id, hospital_code, code, kind, department_id, doctor_id, name, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [resourceID, hospital, resourceCode, kind, departmentID, doctorID, "李医生门诊", now])
            let sessionID = TypedID.make("ses")
            try db.execute(sql: """
                INSERT INTO clinic_session (id, hospital_code, resource_id, department_id, day, period, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [sessionID, hospital, resourceID, departmentID, day, period, now])
            var slots: [String] = []
            for segment in segments {
                let id = TypedID.make("slt")
                try db.execute(sql: """
                    INSERT INTO slot (id, session_id, starts_at, ends_at, registration_type, fee_fen, capacity, reserved, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, sessionID, at(day: day, segment.start), at(day: day, segment.end), segment.type,
                                     segment.feeFen, segment.capacity, segment.reserved, now])
                slots.append(id)
            }
            return Clinic(hospitalCode: hospital, departmentID: departmentID, departmentCode: department, resourceID: resourceID,
                          resourceCode: resourceCode, sessionID: sessionID, slotIDs: slots)
        }
    }

    /// Stores a hospital policy (a partial JSON object laid over the defaults).
    static func policy(_ h: TestHarness, hospital: String = "H0001", _ json: String) async throws {
        try await h.services.policyStore.save(hospitalCode: hospital, departmentID: nil, policy: Data(json.utf8),
                                              actor: .system, now: h.clock.now())
    }

    static func taken(_ h: TestHarness, slot: String) async throws -> Int {
        try await h.services.database.pool.read { db in try Int.fetchOne(db, sql: "SELECT taken FROM slot WHERE id = ?", arguments: [slot])! }
    }
}

/// Valid GB 11643 numbers for family members of any age and sex.
enum TestIDNumber {
    /// `birth` is YYYYMMDD; the sequence's last digit is odd for a man, even for a woman.
    static func make(birth: String, male: Bool, serial: Int = 1) -> String {
        let sequence = String(format: "%02d%d", serial % 100, male ? 1 : 2)
        let body = "110105" + birth + sequence
        return body + String(IDCardNumber.checkCharacter(for: body))
    }
}

extension Resident {
    /// Adds a family member and returns its ID.
    func addMember(_ client: any TestClientProtocol, name: String, idNumber: String, relation: String = "child") async throws -> String {
        let added = try await client.call(.post, "/api/v1/family-members", token: token,
                                          json: #"{"name":"\#(name)","idNumber":"\#(idNumber)","relation":"\#(relation)"}"#)
        #expect(added.status == 201, "\(added.body) \(idNumber)")
        return try #require(added.object("member")["id"] as? String)
    }

    func book(_ client: any TestClientProtocol, member: String? = nil, slot: String, key: String? = nil) async throws -> APIResult {
        var headers: HTTPFields = [:]
        if let key { headers[.init("Idempotency-Key")!] = key }
        return try await client.call(.post, "/api/v1/bookings", token: token,
                                     json: #"{"memberId":"\#(member ?? selfMemberID)","slotId":"\#(slot)"}"#, headers: headers)
    }
}
