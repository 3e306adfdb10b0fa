import Appointments
import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// 爽约: a booking nobody checked in becomes a no-show after its grace period, repeat offenders are
/// blocked per hospital policy, and staff review and lift blocks on appeal.
///
/// The sweeper also runs in the background of the app under test, so these tests check the state
/// a sweep leaves rather than how many changes one particular pass reports.
@Suite struct NoShowTests {
    typealias F = AppointmentFixture

    @Test func anUncheckedBookingBecomesANoShowOnlyAfterItsDepartmentsGracePeriod() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h)
            let surgery = try await F.clinic(h, department: "WAI", departmentName: "外科")
            try await h.services.policyStore.save(hospitalCode: "H0001", departmentID: surgery.departmentID,
                                                  policy: Data(#"{"noShow":{"graceMinutes":60}}"#.utf8), actor: .system, now: h.clock.now())
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let resident = try await Resident.register(h, client)
                let child = try await resident.addMember(client, name: "张小", idNumber: TestIDNumber.make(birth: "20160101", male: true))
                let missed = try await NoShowKit.book(client, resident, slot: clinic.slotIDs[0])
                let surgical = try await NoShowKit.book(client, resident, slot: surgery.slotIDs[0])
                let arrived = try await NoShowKit.book(client, resident, member: child, slot: clinic.slotIDs[0])
                h.clock.set(F.at(day: F.day, "07:30"))
                #expect(try await terminal.call(client, h, .post, "/integration/v1/bookings/\(arrived)/check-in").status == 200)

                h.clock.set(F.at(day: F.day, "08:59"))  // segment ended 08:30, default grace 30 minutes
                _ = try await h.services.appointmentSweeper.pass()
                #expect(try await NoShowKit.state(h, missed) == "confirmed", "still inside the grace period")

                h.clock.set(F.at(day: F.day, "09:00"))
                _ = try await h.services.appointmentSweeper.pass()
                #expect(try await NoShowKit.state(h, missed) == "no_show")
                #expect(try await NoShowKit.state(h, surgical) == "confirmed", "外科 gives an hour")
                #expect(try await NoShowKit.state(h, arrived) == "checked_in")
                #expect(try await F.taken(h, slot: clinic.slotIDs[0]) == 2, "the missed place stays used")
                let shown = try await client.call(.get, "/api/v1/bookings/\(missed)", token: resident.token).object("booking")
                #expect(shown["state"] as? String == "no_show")
                let notice = try await h.services.outbox.entries(subjectID: missed).filter { $0.event == "appointment.no_show" }
                #expect(notice.count == 1)
                #expect(notice.first?.payload["bookingId"] == missed)
                #expect(notice.first?.payload["department"] == "内科")

                h.clock.set(F.at(day: F.day, "09:30"))
                _ = try await h.services.appointmentSweeper.pass()
                #expect(try await NoShowKit.state(h, surgical) == "no_show")
                let idle = try await h.services.appointmentSweeper.pass()
                #expect(idle.noShows == 0, "a repeated pass changes nothing")
                #expect(try await h.services.outbox.entries(subjectID: missed).filter { $0.event == "appointment.no_show" }.count == 1)
                #expect(try await NoShowKit.blockReasons(h).isEmpty, "two misses are under the default threshold of 3")

                // Staff see the notices and the audit trail.
                let admin = try await NoShowKit.staffToken(h, client, "admin1", role: "admin")
                let messages = try await client.call(.get, "/api/v1/staff/outbox?subject=\(missed)", token: admin)
                #expect(messages.status == 200, "\(messages.body)")
                #expect(NoShowKit.events(messages) == ["appointment.booked", "appointment.no_show"])
                let session = try await client.call(.get, "/api/v1/staff/outbox?subject=\(clinic.sessionID)", token: admin)
                #expect(NoShowKit.events(session).filter { $0 == "appointment.no_show" }.count == 1)
                #expect(NoShowKit.events(session).filter { $0 == "appointment.booked" }.count == 2)
                #expect(try await client.call(.get, "/api/v1/staff/outbox", token: admin).errorCode == "subject_missing")
                #expect(try await client.call(.get, "/api/v1/staff/outbox?subject=\(missed)").errorCode == "token_missing")
                let audit = try await client.call(.get, "/api/v1/staff/audit-log?subject=\(missed)", token: admin)
                let actions = (audit["entries"] as? [any Sendable])?.compactMap { ($0 as? [String: any Sendable]) }
                #expect(actions?.contains { $0["action"] as? String == "booking.no_show" && $0["actorKind"] as? String == "system" } == true)
            }
        }
    }

    @Test func theThirdMissBlocksBookingUntilStaffLiftTheBlock() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            var slots: [String] = []
            for day in ["2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04"] {
                slots.append(try await F.clinic(h, day: day).slotIDs[0])
            }
            try await F.policy(h, #"{"horizonDays": 28}"#)
            let missedSlots = slots
            let later = try await F.clinic(h, day: "2026-12-10")
            _ = try await h.services.staff.create(username: "cashier1", password: "correct horse", role: "cashier")
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                var missed: [String] = []
                for slot in missedSlots { missed.append(try await NoShowKit.book(client, resident, slot: slot)) }

                h.clock.set(F.at(day: "2026-12-03", "10:00"))
                _ = try await h.services.appointmentSweeper.pass()
                #expect(try await NoShowKit.state(h, missed[2]) == "no_show")
                #expect(try await NoShowKit.blockReasons(h) == ["3 missed appointments in 90 days"])

                // 90 days from 2026-12-03 10:00 in Asia/Shanghai.
                let refused = try await resident.book(client, slot: later.slotIDs[0])
                #expect(refused.status == 422)
                #expect(refused.errorCode == "booking_blocked")
                let message = (refused["error"] as? [String: any Sendable])?["message"] as? String ?? ""
                #expect(message.contains("until 2027-03-03"), "\(message)")
                #expect(message.contains("3 missed appointments in 90 days"))

                let cashier = try await NoShowKit.staffToken(h, client, "cashier1", role: nil)
                let listed = try await client.call(.get, "/api/v1/staff/blocks?memberId=\(resident.selfMemberID)", token: cashier)
                #expect(listed.status == 200, "\(listed.body)")
                let blocks = listed["blocks"] as? [any Sendable] ?? []
                #expect(blocks.count == 1)
                let block = try #require(blocks.first as? [String: any Sendable])
                let blockID = try #require(block["id"] as? String)
                #expect(block["active"] as? Int == 1)
                #expect(block["offences"] as? Int == 3)
                #expect(block["hospitalCode"] as? String == "H0001")
                #expect(block["endsAt"] as? String == ISO8601.string(F.at(day: "2027-03-03", "10:00")))
                let told = try await h.services.outbox.entries(subjectID: blockID)
                #expect(told.map(\.event) == ["booking.blocked"])
                #expect(told.first?.payload["until"] == "2027-03-03")

                #expect(try await client.call(.get, "/api/v1/staff/blocks", token: cashier).errorCode == "member_id_missing")
                #expect(try await client.call(.get, "/api/v1/staff/blocks?memberId=mem_nosuch", token: cashier).errorCode
                        == "family_member_not_found")
                let byCashier = try await client.call(.post, "/api/v1/staff/blocks/\(blockID)/lift", token: cashier,
                                                      json: #"{"note":"申诉通过"}"#)
                #expect(byCashier.status == 403)

                let admin = try await NoShowKit.staffToken(h, client, "admin1", role: "admin")
                let blank = try await client.call(.post, "/api/v1/staff/blocks/\(blockID)/lift", token: admin, json: #"{"note":"  "}"#)
                #expect(blank.status == 400)
                #expect(blank.errorCode == "note_missing")
                let long = try await client.call(.post, "/api/v1/staff/blocks/\(blockID)/lift", token: admin,
                                                 json: #"{"note":"\#(String(repeating: "长", count: 501))"}"#)
                #expect(long.errorCode == "note_too_long")
                let unknown = try await client.call(.post, "/api/v1/staff/blocks/blk_nosuch/lift", token: admin, json: #"{"note":"申诉通过"}"#)
                #expect(unknown.status == 404)
                #expect(unknown.errorCode == "block_not_found")
                let lifted = try await client.call(.post, "/api/v1/staff/blocks/\(blockID)/lift", token: admin,
                                                   json: #"{"note":"申诉通过：就诊当日急诊住院"}"#)
                #expect(lifted.status == 200, "\(lifted.body)")
                #expect(lifted.object("block")["active"] as? Int == 0)
                #expect(lifted.object("block")["liftNote"] as? String == "申诉通过：就诊当日急诊住院")
                let twice = try await client.call(.post, "/api/v1/staff/blocks/\(blockID)/lift", token: admin, json: #"{"note":"again"}"#)
                #expect(twice.status == 409)
                #expect(twice.errorCode == "block_not_active")
                let audit = try await client.call(.get, "/api/v1/staff/audit-log?subject=\(blockID)", token: admin)
                let actions = (audit["entries"] as? [any Sendable])?.compactMap { ($0 as? [String: any Sendable])?["action"] as? String }
                #expect(actions?.sorted() == ["block.create", "block.lift"])
                #expect(try await h.services.outbox.entries(subjectID: blockID).map(\.event) == ["booking.blocked", "booking.unblocked"])

                let rebooked = try await resident.book(client, slot: later.slotIDs[0])
                #expect(rebooked.status == 201, "\(rebooked.body)")

                // The misses the lifted block answered for do not count again: one more is not a fourth strike.
                h.clock.set(F.at(day: "2026-12-04", "10:00"))
                _ = try await h.services.appointmentSweeper.pass()
                #expect(try await NoShowKit.state(h, missed[3]) == "no_show")
                #expect(try await NoShowKit.blockReasons(h).count == 1)
                let nextDay = try await NoShowKit.staffToken(h, client, "admin1", role: nil)  // staff sessions last 12 hours
                let after = try await client.call(.get, "/api/v1/staff/blocks?memberId=\(resident.selfMemberID)", token: nextDay)
                #expect((after["blocks"] as? [any Sendable])?.count == 1)
            }
        }
    }

    @Test func onlyOffencesInsideTheConfiguredWindowCount() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            var created: [String] = []
            for day in ["2026-12-01", "2026-12-04", "2026-12-05"] { created.append(try await F.clinic(h, day: day).slotIDs[0]) }
            try await F.policy(h, #"{"horizonDays": 28, "noShow": {"threshold": 2, "windowDays": 2, "blockDays": 30}}"#)
            let slots = created
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                for slot in slots { _ = try await NoShowKit.book(client, resident, slot: slot) }
                for day in ["2026-12-01", "2026-12-04"] {
                    h.clock.set(F.at(day: day, "10:00"))
                    _ = try await h.services.appointmentSweeper.pass()
                }
                #expect(try await NoShowKit.blockReasons(h).isEmpty, "12-01 lies outside a 2-day window on 12-04")
                h.clock.set(F.at(day: "2026-12-05", "10:00"))
                _ = try await h.services.appointmentSweeper.pass()
                #expect(try await NoShowKit.blockReasons(h) == ["2 missed appointments in 2 days"])
                let ends = try await h.services.database.pool.read { db in try Date.fetchOne(db, sql: "SELECT ends_at FROM booking_block")! }
                #expect(ends == F.at(day: "2027-01-04", "10:00"), "blockDays 30")
            }
        }
    }

    @Test func sameDayCancellationsCountOnlyWhereTheHospitalSaysSo() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            var cancelling: [String: String] = [:]
            var missing: [String: String] = [:]
            for hospital in ["H0001", "H0002"] {
                cancelling[hospital] = try await F.clinic(h, hospital: hospital).slotIDs[0]
                missing[hospital] = try await F.clinic(h, hospital: hospital, department: "WAI", departmentName: "外科").slotIDs[0]
            }
            let (cancelSlots, missSlots) = (cancelling, missing)
            try await F.policy(h, hospital: "H0001", #"{"noShow": {"threshold": 2, "countLateCancellations": true}}"#)
            try await F.policy(h, hospital: "H0002", #"{"noShow": {"threshold": 2}}"#)
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                for hospital in ["H0001", "H0002"] { _ = try await NoShowKit.book(client, resident, slot: missSlots[hospital]!) }
                h.clock.set(F.at(day: F.day, "07:00"))  // 当日挂号, then 当日退号
                for hospital in ["H0001", "H0002"] {
                    let id = try await NoShowKit.book(client, resident, slot: cancelSlots[hospital]!)
                    let cancelled = try await client.call(.post, "/api/v1/bookings/\(id)/cancel", token: resident.token)
                    #expect(cancelled.object("booking")["state"] as? String == "cancelled", "\(cancelled.body)")
                }
                h.clock.set(F.at(day: F.day, "09:10"))
                _ = try await h.services.appointmentSweeper.pass()
                let blocks = try await h.services.database.pool.read { db in
                    try Row.fetchAll(db, sql: "SELECT hospital_code, reason FROM booking_block").map { ($0["hospital_code"] as String, $0["reason"] as String) }
                }
                #expect(blocks.count == 1)
                #expect(blocks.first?.0 == "H0001")
                #expect(blocks.first?.1 == "1 missed appointment and 1 same-day cancellation in 90 days")
            }
        }
    }
}

/// Small helpers the no-show and statistics tests share.
enum NoShowKit {
    /// Books and returns the booking's ID, failing the test when the booking is refused.
    static func book(_ client: any TestClientProtocol, _ resident: Resident, member: String? = nil, slot: String) async throws -> String {
        let booked = try await resident.book(client, member: member, slot: slot)
        #expect(booked.status == 201, "\(booked.body)")
        return try #require(booked.object("booking")["id"] as? String)
    }

    static func state(_ h: TestHarness, _ booking: String) async throws -> String? {
        try await h.services.database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT state FROM booking WHERE id = ?", arguments: [booking])
        }
    }

    static func blockReasons(_ h: TestHarness) async throws -> [String] {
        try await h.services.database.pool.read { db in try String.fetchAll(db, sql: "SELECT reason FROM booking_block ORDER BY starts_at") }
    }

    /// Logs a staff user in, creating the user first when a role is given.
    static func staffToken(_ h: TestHarness, _ client: any TestClientProtocol, _ username: String, role: String?) async throws -> String {
        if let role { _ = try await h.services.staff.create(username: username, password: "correct horse", role: role) }
        let login = try await client.call(.post, "/api/v1/staff/login", json: #"{"username":"\#(username)","password":"correct horse"}"#)
        return try #require(login["token"] as? String)
    }

    static func events(_ result: APIResult) -> [String] {
        (result["messages"] as? [any Sendable])?.compactMap { ($0 as? [String: any Sendable])?["event"] as? String } ?? []
    }
}
