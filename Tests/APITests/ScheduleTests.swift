import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// Schedules as the HIS publishes them (idempotent, stable IDs, never stranding a booking unless
/// it suspends), what residents see of them (places left and why a segment is closed), and 加号.
@Suite struct ScheduleTests {
    typealias K = CatalogKit
    typealias F = AppointmentFixture
    static let day = F.day

    @Test func republishingTheSameScheduleChangesNothingAndIDsStayPut() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let terminal = try await K.demoHospital(h, client)
                let token = try await Resident.login(h, client)
                var clinic = K.Session(resource: "R-D001", day: Self.day, segments: [
                    .init(start: "08:00", end: "08:30", capacity: 10, reserved: nil),
                    .init(start: "08:30", end: "09:00", capacity: 5, feeFen: 5000, type: "expert"),
                ])
                let ct = K.Session(resource: "R-CT-01", day: Self.day, period: "afternoon", segments: [.init(start: "14:00", end: "15:00", capacity: 4)])
                let first = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([clinic, ct]))
                #expect(first.status == 200, "\(first.body)")
                #expect(first["created"] as? Int == 2)
                let session = try await K.sessionID(h, resource: "R-D001", day: Self.day)
                let before = try await K.slots(client, token: token, session: session)
                #expect(before.map { $0["remaining"] as? Int } == [8, 5], "reserved defaults to 20% of 10")
                #expect(before.map { $0["start"] as? String } == ["08:00", "08:30"])
                #expect(before.first?["startsAt"] as? String == ISO8601.string(F.at(day: Self.day, "08:00")))
                #expect(before.last?["feeFen"] as? Int == 5000)

                let again = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([clinic, ct]))
                #expect(again["unchanged"] as? Int == 2)
                #expect(again["created"] as? Int == 0)
                #expect(again["updated"] as? Int == 0)
                #expect(try await K.count(h, "SELECT COUNT(*) FROM audit_log WHERE action = 'schedule.publish'") == 1, "nothing written")

                clinic.segments[1].capacity = 6
                let grown = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([clinic, ct]))
                #expect(grown["updated"] as? Int == 1)
                #expect(grown["unchanged"] as? Int == 1)
                #expect(try await K.sessionID(h, resource: "R-D001", day: Self.day) == session)
                let after = try await K.slots(client, token: token, session: session)
                #expect(after.map { $0["id"] as? String } == before.map { $0["id"] as? String })
                #expect(after.map { $0["remaining"] as? Int } == [8, 6])

                // A segment left out is removed.
                clinic.segments.removeFirst()
                _ = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([clinic, ct]))
                #expect(try await K.slots(client, token: token, session: session).map { $0["id"] as? String } == [before[1]["id"] as? String])
            }
        }
    }

    @Test func everyRejectedScheduleNamesTheProblemAndWritesNothing() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let terminal = try await K.demoHospital(h, client)
                let valid = K.Session(resource: "R-D001", day: Self.day, segments: [.init(start: "08:00", end: "08:30")])
                func session(_ change: (inout K.Session) -> Void) -> K.Session {
                    var s = K.Session(resource: "R-D002", day: Self.day, segments: [.init(start: "08:00", end: "08:30")])
                    change(&s)
                    return s
                }
                let cases: [(K.Session, String)] = [
                    (session { $0.day = "2026-02-30" }, "day_invalid"),
                    (session { $0.period = "night" }, "period_invalid"),
                    (session { $0.status = "closed" }, "schedule_invalid"),
                    (session { $0.status = "suspended" }, "reason_missing"),
                    (session { $0.segments[0].start = "8:00" }, "segment_time_invalid"),
                    (session { $0.segments[0].end = "07:30" }, "segment_time_invalid"),
                    (session { $0.segments.append(.init(start: "08:15", end: "08:45")) }, "segment_overlap"),
                    (session { $0.segments[0].capacity = 10_001 }, "capacity_invalid"),
                    (session { $0.segments[0].capacity = -1 }, "capacity_invalid"),
                    (session { $0.segments[0].reserved = 11 }, "capacity_invalid"),
                    (session { $0.segments[0].feeFen = -100 }, "fee_invalid"),
                    (session { $0.segments[0].type = "vip" }, "registration_type_invalid"),
                    (session { $0.resource = "R-NOPE" }, "resource_unknown"),
                    (valid, "schedule_invalid"),  // the same session twice
                ]
                for (bad, code) in cases {
                    let result = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([valid, bad]))
                    #expect(result.status == 400, "\(code): \(result.body)")
                    #expect(result.errorCode == code, "\(result.body)")
                }
                #expect(try await K.count(h, "SELECT COUNT(*) FROM clinic_session") == 0)
                #expect(try await K.count(h, "SELECT COUNT(*) FROM slot") == 0)
                let garbage = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: #"{"sessions":[{"day":"2026-12-01"}]}"#)
                #expect(garbage.errorCode == "invalid_json")
            }
        }
    }

    @Test func aChangeThatWouldStrandBookingsIsRefused() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let terminal = try await K.demoHospital(h, client)
                let clinic = K.Session(resource: "R-D001", day: Self.day, segments: [
                    .init(start: "08:00", end: "08:30", capacity: 5), .init(start: "08:30", end: "09:00", capacity: 5),
                ])
                _ = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([clinic]))
                // Three places held by bookings, as the booking path records them.
                try await h.services.database.pool.write { db in
                    try db.execute(sql: "UPDATE slot SET taken = 3 WHERE starts_at = ?", arguments: [F.at(day: Self.day, "08:00")])
                }
                var changes: [(String, K.Session)] = []
                var fewer = clinic; fewer.segments[0].capacity = 2; changes.append(("fewer places", fewer))
                var dearer = clinic; dearer.segments[0].feeFen = 500; changes.append(("a new fee", dearer))
                var expert = clinic; expert.segments[0].type = "expert"; changes.append(("a new type", expert))
                var longer = clinic; longer.segments[0].end = "08:20"; changes.append(("a new end", longer))
                var moved = clinic; moved.segments[0].start = "07:30"; moved.segments[0].end = "08:00"; changes.append(("a moved start", moved))
                var removed = clinic; removed.segments.removeFirst(); changes.append(("removal", removed))
                for (what, body) in changes {
                    let refused = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([body]))
                    #expect(refused.status == 409, "\(what)")
                    #expect(refused.errorCode == "schedule_strands_bookings", "\(what)")
                    let message = (refused.body["error"] as? [String: any Sendable])?["message"] as? String ?? ""
                    #expect(message.contains("08:00–08:30") && message.contains("3 booking"), "\(what): \(message)")
                }
                // Down to exactly what is held is fine, and so is dropping the untaken segment.
                var exact = clinic; exact.segments[0].capacity = 3; exact.segments.removeLast()
                let accepted = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([exact]))
                #expect(accepted.status == 200, "\(accepted.body)")
                #expect(accepted["updated"] as? Int == 1)
                let rows = try await h.services.database.pool.read { db in
                    try Row.fetchAll(db, sql: "SELECT capacity, fee_fen FROM slot").map { [$0["capacity"] as Int, $0["fee_fen"] as Int] }
                }
                #expect(rows == [[3, 0]])
            }
        }
    }

    @Test func suspendingThroughAPublishCancelsBookingsAndReopeningKeepsThemCancelled() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let terminal = try await K.demoHospital(h, client)
                let open = K.Session(resource: "R-D001", day: Self.day, segments: [
                    .init(start: "08:00", end: "08:30", capacity: 5), .init(start: "08:30", end: "09:00", capacity: 5),
                ])
                _ = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([open]))
                let session = try await K.sessionID(h, resource: "R-D001", day: Self.day)
                let resident = try await Resident.register(h, client)
                let slots = try await K.slots(client, token: resident.token, session: session)
                let firstSlot = try #require(slots.first?["id"] as? String)
                let booked = try await resident.book(client, slot: firstSlot)
                #expect(booked.status == 201, "\(booked.body)")
                let booking = try #require(booked.object("booking")["id"] as? String)

                var withoutFirst = open
                withoutFirst.segments.removeFirst()
                let refused = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([withoutFirst]))
                #expect(refused.errorCode == "schedule_strands_bookings")

                var suspended = withoutFirst
                suspended.status = "suspended"
                suspended.reason = "医生外出会诊"
                let done = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([suspended]))
                #expect(done.status == 200, "\(done.body)")
                #expect(done["suspended"] as? Int == 1)
                #expect(done["bookingsCancelled"] as? Int == 1)
                #expect(done["updated"] as? Int == 1)
                let cancelled = try await client.call(.get, "/api/v1/bookings/\(booking)", token: resident.token).object("booking")
                #expect(cancelled["state"] as? String == "cancelled")
                #expect(cancelled["cancelReason"] as? String == "suspension")
                let notices = try await h.services.outbox.entries(subjectID: booking)
                #expect(notices.contains { $0.event == "appointment.suspended" && $0.urgent })
                let listed = try await client.call(.get, "/api/v1/sessions/\(session)/slots", token: resident.token)
                #expect(listed.object("session")["status"] as? String == "suspended")
                #expect(K.list(listed["slots"]).map { $0["closedReason"] as? String } == ["session_suspended"], "the removed segment is gone")

                let again = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([suspended]))
                #expect(again["unchanged"] as? Int == 1)
                #expect(again["suspended"] as? Int == 0)

                let reopened = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([open]))
                #expect(reopened["updated"] as? Int == 1)
                let back = try await K.slots(client, token: resident.token, session: session)
                #expect(back.first?["id"] as? String == firstSlot, "the segment comes back under its old ID")
                #expect(back.map { $0["remaining"] as? Int } == [5, 5])
                #expect(back.allSatisfy { $0["bookable"] as? Int == 1 })
                let still = try await client.call(.get, "/api/v1/bookings/\(booking)", token: resident.token).object("booking")
                #expect(still["state"] as? String == "cancelled")
            }
        }
    }

    @Test func residentsSeePlacesLeftAndWhyADayIsClosed() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.at(day: "2026-11-30", "10:00"))
            try await h.test { client in
                let terminal = try await K.demoHospital(h, client)
                let token = try await Resident.login(h, client)
                _ = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([
                    K.Session(resource: "R-D001", day: "2026-11-30", segments: [
                        .init(start: "08:00", end: "08:30", capacity: 4), .init(start: "10:30", end: "11:00", capacity: 4),
                    ]),
                    K.Session(resource: "R-D001", day: "2026-12-01", segments: [.init(start: "08:00", end: "08:30", capacity: 10, reserved: nil)]),
                    K.Session(resource: "R-D001", day: "2026-12-02", period: "afternoon", segments: [.init(start: "14:00", end: "14:30", capacity: 0)]),
                    K.Session(resource: "R-D001", day: "2026-12-08", segments: [.init(start: "08:00", end: "08:30", capacity: 6)]),
                ]))
                let department = try await K.id(h, "department", code: "NK-XHN")
                let listed = try await client.call(.get, "/api/v1/departments/\(department)/resources?from=2026-11-30&to=2026-12-08", token: token)
                #expect(listed.status == 200, "\(listed.body)")
                let resources = K.list(listed["resources"])
                #expect(resources.compactMap { $0["name"] as? String } == ["王建国专家门诊", "消化内科普通门诊"])
                let doctor = try #require(resources.first?["doctor"] as? [String: any Sendable])
                #expect(doctor["name"] as? String == "王建国")
                #expect(doctor["title"] as? String == "主任医师")
                #expect((doctor["specialties"] as? [any Sendable])?.count == 2)
                #expect(K.isNull(resources.last?["doctor"]), "a department's general clinic has no doctor")
                let days = K.list(resources.first?["days"])
                #expect(days.map { "\($0["day"]!) \($0["period"]!)" }
                        == ["2026-11-30 morning", "2026-12-01 morning", "2026-12-02 afternoon", "2026-12-08 morning"])
                #expect(days.map { $0["remaining"] as? Int } == [8, 8, 0, 6])
                #expect(days.map { $0["bookable"] as? Int } == [1, 1, 0, 0])
                #expect(K.isNull(days[0]["closedReason"]) && K.isNull(days[1]["closedReason"]))
                #expect(days[2]["closedReason"] as? String == "slot_full")
                #expect(days[3]["closedReason"] as? String == "day_not_released", "8 days ahead, past the 7-day horizon")

                let today = K.list(try await client.call(.get, "/api/v1/sessions/\(days[0]["sessionId"]!)/slots", token: token)["slots"])
                #expect(today.map { $0["closedReason"] as? String } == ["slot_started", "<null>"])
                #expect(today.map { $0["bookable"] as? Int } == [0, 1])

                // By default the listing runs from today to the last bookable day.
                let standard = K.list(try await client.call(.get, "/api/v1/departments/\(department)/resources", token: token)["resources"])
                #expect(K.list(standard.first?["days"]).compactMap { $0["day"] as? String } == ["2026-11-30", "2026-12-01", "2026-12-02"])

                // In the nightly blackout nothing is bookable.
                h.clock.set(F.at(day: "2026-12-01", "01:00"))
                let night = K.list(try await client.call(.get, "/api/v1/sessions/\(days[3]["sessionId"]!)/slots", token: token)["slots"])
                #expect(night.first?["closedReason"] as? String == "booking_blackout")

                for (query, code, status) in [("from=2026-13-01", "day_invalid", 400), ("from=2026-12-08&to=2026-12-01", "day_range_invalid", 400)] {
                    let bad = try await client.call(.get, "/api/v1/departments/\(department)/resources?\(query)", token: token)
                    #expect(bad.status == status)
                    #expect(bad.errorCode == code)
                }
                #expect(try await client.call(.get, "/api/v1/departments/dep_nosuch/resources", token: token).errorCode == "department_not_found")
                #expect(try await client.call(.get, "/api/v1/sessions/ses_nosuch/slots", token: token).errorCode == "session_not_found")
                #expect(try await client.call(.get, "/api/v1/departments/\(department)/resources").errorCode == "token_missing")
            }
        }
    }

    @Test func anUnpaidLockPastItsExpiryCountsAsFreeBeforeAnySweep() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let terminal = try await K.demoHospital(h, client)
                _ = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([
                    K.Session(resource: "R-D001", day: Self.day, segments: [.init(start: "08:00", end: "08:30", capacity: 1, feeFen: 5000)]),
                ]))
                let session = try await K.sessionID(h, resource: "R-D001", day: Self.day)
                let resident = try await Resident.register(h, client)
                let slot = try #require(try await K.slots(client, token: resident.token, session: session).first?["id"] as? String)
                let locked = try await resident.book(client, slot: slot)
                #expect(locked.object("booking")["state"] as? String == "locked")
                let full = try await K.slots(client, token: resident.token, session: session)
                #expect(full.first?["remaining"] as? Int == 0)
                #expect(full.first?["closedReason"] as? String == "slot_full")

                h.clock.set(F.dayBefore10am.addingTimeInterval(16 * 60))
                let free = try await K.slots(client, token: resident.token, session: session)
                #expect(free.first?["remaining"] as? Int == 1)
                #expect(free.first?["bookable"] as? Int == 1)
                #expect(try await K.count(h, "SELECT COUNT(*) FROM booking WHERE state = 'locked'") == 1, "no sweeper ran")
            }
        }
    }

    @Test func extraPlacesAreAuditedAndRaiseWhatResidentsSee() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let terminal = try await K.demoHospital(h, client)
                _ = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([
                    K.Session(resource: "R-D001", day: Self.day, segments: [.init(start: "08:00", end: "08:30", capacity: 1)]),
                ]))
                let session = try await K.sessionID(h, resource: "R-D001", day: Self.day)
                let token = try await Resident.login(h, client)
                let slot = try #require(try await K.slots(client, token: token, session: session).first?["id"] as? String)
                let admin = try await K.staff(h, client, role: "admin")
                let cashier = try await K.staff(h, client, role: "cashier")

                let added = try await client.call(.post, "/api/v1/staff/slots/\(slot)/extra", token: admin,
                                                  json: #"{"count":2,"reason":"患者病情危重，主任同意加号"}"#)
                #expect(added.status == 200, "\(added.body)")
                #expect(added.object("slot")["extra"] as? Int == 2)
                #expect(added.object("slot")["capacity"] as? Int == 1)
                #expect(added.object("slot")["remaining"] as? Int == 3)
                #expect(try await K.slots(client, token: token, session: session).first?["remaining"] as? Int == 3)
                let log = try await client.call(.get, "/api/v1/staff/audit-log?subject=\(slot)", token: admin)
                let entry = try #require(K.list(log["entries"]).first)
                #expect(entry["action"] as? String == "slot.extra")
                #expect((entry["detail"] as? String)?.contains("count=2") == true)
                #expect((entry["detail"] as? String)?.contains("患者病情危重") == true)

                // A republish by the HIS keeps the places staff added.
                let again = try await terminal.call(client, h, .put, "/integration/v1/schedules", json: K.schedule([
                    K.Session(resource: "R-D001", day: Self.day, segments: [.init(start: "08:00", end: "08:30", capacity: 1)]),
                ]))
                #expect(again["unchanged"] as? Int == 1)
                #expect(try await K.slots(client, token: token, session: session).first?["remaining"] as? Int == 3)

                let cases: [(String, String, String, Int)] = [
                    (slot, #"{"count":0,"reason":"x"}"#, "extra_count_invalid", 400),
                    (slot, #"{"count":51,"reason":"x"}"#, "extra_count_invalid", 400),
                    (slot, #"{"count":1,"reason":"  "}"#, "reason_missing", 400),
                    (slot, #"{"count":1}"#, "invalid_json", 400),
                    ("slt_nosuch", #"{"count":1,"reason":"x"}"#, "slot_not_found", 404),
                ]
                for (target, body, code, status) in cases {
                    let refused = try await client.call(.post, "/api/v1/staff/slots/\(target)/extra", token: admin, json: body)
                    #expect(refused.status == status)
                    #expect(refused.errorCode == code, "\(body)")
                }
                let denied = try await client.call(.post, "/api/v1/staff/slots/\(slot)/extra", token: cashier, json: #"{"count":1,"reason":"x"}"#)
                #expect(denied.errorCode == "role_forbidden")
                #expect(try await client.call(.post, "/api/v1/staff/slots/\(slot)/extra", token: token, json: #"{"count":1,"reason":"x"}"#).errorCode
                        == "token_invalid", "a resident is not staff")
                #expect(try await K.count(h, "SELECT extra FROM slot WHERE id = ?", [slot]) == 2, "refusals added nothing")
            }
        }
    }

    @Test func staffPublishSchedulesWithTheHospitalsRules() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                _ = try await K.demoHospital(h, client)
                let body = K.schedule([K.Session(resource: "R-LAB-01", day: Self.day, segments: [.init(start: "07:30", end: "08:00", capacity: 30)])])
                let operatorToken = try await K.staff(h, client, role: "operator")
                let cashier = try await K.staff(h, client, role: "cashier")
                #expect(try await client.call(.put, "/api/v1/staff/hospitals/H0001/schedules", token: cashier, json: body).errorCode
                        == "role_forbidden")
                let unknown = try await client.call(.put, "/api/v1/staff/hospitals/H9999/schedules", token: operatorToken, json: body)
                #expect(unknown.status == 404)
                #expect(unknown.errorCode == "hospital_unknown")
                let done = try await client.call(.put, "/api/v1/staff/hospitals/H0001/schedules", token: operatorToken, json: body)
                #expect(done.status == 200, "\(done.body)")
                #expect(done["created"] as? Int == 1)
                #expect(try await K.count(h, "SELECT COUNT(*) FROM audit_log WHERE action = 'schedule.publish' AND actor_kind = 'staff'") == 1)
            }
        }
    }
}
