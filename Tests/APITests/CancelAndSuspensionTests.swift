import Appointments
import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// 退号, 停诊 and 替诊: places go back, paid fees are asked back from Payments, residents are told.
@Suite struct CancelAndSuspensionTests {
    typealias F = AppointmentFixture

    @Test func cancellingBeforeTheDeadlineReleasesThePlaceAndAsksForARefund() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 1, feeFen: 2500)])
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let resident = try await Resident.register(h, client)
                let booking = try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")
                let id = try #require(booking["id"] as? String)
                #expect(booking["cancelDeadline"] as? String == ISO8601.string(F.at(day: F.day, "08:00")),
                        "an unpaid lock can be dropped until the segment starts")
                let paid = try await terminal.call(client, h, .post, "/integration/v1/bookings/\(id)/payment",
                                                   json: #"{"tradeNo":"T-1","amountFen":2500,"channel":"window"}"#)
                // Paid, the hospital's deadline applies: by default 18:00 the day before.
                #expect(paid.object("booking")["cancelDeadline"] as? String == ISO8601.string(F.at(day: "2026-11-30", "18:00")))
                let cancelled = try await client.call(.post, "/api/v1/bookings/\(id)/cancel", token: resident.token)
                #expect(cancelled.status == 200, "\(cancelled.body)")
                #expect(cancelled.object("booking")["state"] as? String == "cancelled")
                #expect(cancelled.object("booking")["cancelReason"] as? String == "resident")
                #expect(try await F.taken(h, slot: clinic.slotIDs[0]) == 0)
                let refund = try #require(try await h.services.bookingStore.refundRequest(bookingID: id))
                #expect(refund.amountFen == 2500)
                #expect(refund.tradeNo == "T-1")
                let events = try await h.services.outbox.entries(subjectID: id).map(\.event)
                #expect(events == ["appointment.booked", "appointment.cancelled"], "the reminder is withdrawn")
                let twice = try await client.call(.post, "/api/v1/bookings/\(id)/cancel", token: resident.token)
                #expect(twice.status == 409)
                #expect(twice.errorCode == "booking_not_cancellable")
            }
        }
    }

    @Test func afterTheDeadlineCancellingIsRefused() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h)
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let id = try #require(try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)
                h.clock.set(F.at(day: "2026-11-30", "18:00"))
                let late = try await client.call(.post, "/api/v1/bookings/\(id)/cancel", token: resident.token)
                #expect(late.status == 422)
                #expect(late.errorCode == "cancel_deadline_passed")
                #expect(try await F.taken(h, slot: clinic.slotIDs[0]) == 1)
            }
        }
    }

    @Test func anUnpaidLockMayBeDroppedUntilTheSegmentStarts() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.at(day: "2026-11-30", "17:55"))
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 1, feeFen: 800)])
            try await F.policy(h, #"{"tomorrowCutoff": "20:00"}"#)
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let id = try #require(try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)
                h.clock.set(F.at(day: "2026-11-30", "18:05"))  // past the paid deadline, lock still live
                let dropped = try await client.call(.post, "/api/v1/bookings/\(id)/cancel", token: resident.token)
                #expect(dropped.status == 200)
                #expect(try await h.services.bookingStore.refundRequest(bookingID: id) == nil, "nothing was paid")
            }
        }
    }

    @Test func aSuspensionCancelsEveryBookingWithRefundsAndUrgentNotices() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 5, feeFen: 1000),
                                                          .init(start: "08:30", end: "09:00", capacity: 5)])
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let resident = try await Resident.register(h, client)
                let child = try await resident.addMember(client, name: "张小", idNumber: TestIDNumber.make(birth: "20160101", male: true))
                let paidID = try #require(try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)
                _ = try await terminal.call(client, h, .post, "/integration/v1/bookings/\(paidID)/payment",
                                            json: #"{"tradeNo":"T-9","amountFen":1000,"channel":"window"}"#)
                let freeID = try #require(try await resident.book(client, member: child, slot: clinic.slotIDs[1]).object("booking")["id"] as? String)

                let noReason = try await terminal.call(client, h, .post, "/integration/v1/sessions/suspend",
                    json: #"{"resourceCode":"\#(clinic.resourceCode)","day":"\#(F.day)","period":"morning","reason":" "}"#)
                #expect(noReason.errorCode == "reason_missing")
                let unknown = try await terminal.call(client, h, .post, "/integration/v1/sessions/suspend",
                    json: #"{"resourceCode":"\#(clinic.resourceCode)","day":"\#(F.day)","period":"evening","reason":"医生外出"}"#)
                #expect(unknown.errorCode == "session_not_found")
                let suspended = try await terminal.call(client, h, .post, "/integration/v1/sessions/suspend",
                    json: #"{"resourceCode":"\#(clinic.resourceCode)","day":"\#(F.day)","period":"morning","reason":"医生外出会诊\\ \"急诊\"\n"}"#)
                #expect(suspended.status == 200, "\(suspended.body)")
                #expect(suspended["bookingsAffected"] as? Int == 2)

                let mine = try await client.call(.get, "/api/v1/bookings", token: resident.token)
                let states = (mine["bookings"] as? [any Sendable])?.compactMap { ($0 as? [String: any Sendable])?["state"] as? String }
                #expect(states == ["cancelled", "cancelled"])
                #expect(try await h.services.bookingStore.refundRequest(bookingID: paidID)?.amountFen == 1000)
                #expect(try await h.services.bookingStore.refundRequest(bookingID: freeID) == nil)
                let notices = try await h.services.outbox.entries(sessionID: clinic.sessionID).filter { $0.event == "appointment.suspended" }
                #expect(notices.count == 2)
                #expect(notices.allSatisfy { $0.urgent && $0.payload["reason"] == #"医生外出会诊\ "急诊""# })

                let after = try await resident.book(client, slot: clinic.slotIDs[1])
                #expect(after.status == 409)
                #expect(after.errorCode == "session_suspended")
                let again = try await terminal.call(client, h, .post, "/integration/v1/sessions/suspend",
                    json: #"{"resourceCode":"\#(clinic.resourceCode)","day":"\#(F.day)","period":"morning","reason":"医生外出会诊"}"#)
                #expect(again["bookingsAffected"] as? Int == 0, "suspending twice cancels nothing more")
            }
        }
    }

    @Test func aSubstituteDoctorKeepsBookingsAndLiftsTheDeadline() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h)
            let other = try await F.clinic(h, department: "WAI")
            let doctorCode = try await h.services.database.pool.read { db in
                try String.fetchOne(db, sql: "SELECT d.code FROM doctor d JOIN resource r ON r.doctor_id = d.id WHERE r.id = ?",
                                    arguments: [other.resourceID])!
            }
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let resident = try await Resident.register(h, client)
                let id = try #require(try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)
                let replaced = try await terminal.call(client, h, .post, "/integration/v1/sessions/substitute",
                    json: #"{"resourceCode":"\#(clinic.resourceCode)","day":"\#(F.day)","period":"morning","doctorCode":"\#(doctorCode)","reason":"原医生病假"}"#)
                #expect(replaced.status == 200, "\(replaced.body)")
                #expect(replaced["bookingsAffected"] as? Int == 1)
                let notice = try await h.services.outbox.entries(subjectID: id).first { $0.event == "appointment.substituted" }
                #expect(notice?.urgent == true)

                h.clock.set(F.at(day: F.day, "07:30"))  // long past the usual 18:00 deadline
                let shown = try await client.call(.get, "/api/v1/bookings/\(id)", token: resident.token).object("booking")
                #expect(shown["substituted"] as? Int == 1)
                let cancelled = try await client.call(.post, "/api/v1/bookings/\(id)/cancel", token: resident.token)
                #expect(cancelled.status == 200, "\(cancelled.body)")
            }
        }
    }

    @Test func staffSuspendAndOnlySchedulersMay() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h)
            _ = try await h.services.staff.create(username: "cashier1", password: "correct horse", role: "cashier")
            _ = try await h.services.staff.create(username: "admin1", password: "correct horse", role: "admin")
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let id = try #require(try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)
                func login(_ user: String) async throws -> String {
                    let login = try await client.call(.post, "/api/v1/staff/login",
                                                      json: #"{"username":"\#(user)","password":"correct horse"}"#)
                    return try #require(login["token"] as? String)
                }
                let cashier = try await client.call(.post, "/api/v1/staff/sessions/\(clinic.sessionID)/suspend",
                                                    token: try await login("cashier1"), json: #"{"reason":"停诊"}"#)
                #expect(cashier.status == 403)
                let admin = try await login("admin1")
                let missing = try await client.call(.post, "/api/v1/staff/sessions/ses_nosuch/suspend", token: admin, json: #"{"reason":"停诊"}"#)
                #expect(missing.errorCode == "session_not_found")
                let done = try await client.call(.post, "/api/v1/staff/sessions/\(clinic.sessionID)/suspend", token: admin,
                                                 json: #"{"reason":"医院临时停诊"}"#)
                #expect(done["bookingsAffected"] as? Int == 1)
                let shown = try await client.call(.get, "/api/v1/bookings/\(id)", token: resident.token).object("booking")
                #expect(shown["cancelReason"] as? String == "suspension")
                let audit = try await client.call(.get, "/api/v1/staff/audit-log?subject=\(clinic.sessionID)", token: admin)
                let entries = audit["entries"] as? [any Sendable]
                #expect((entries?.first as? [String: any Sendable])?["action"] as? String == "session.suspend")
            }
        }
    }
}
