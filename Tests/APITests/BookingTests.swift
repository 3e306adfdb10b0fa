import Appointments
import Database
import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// Booking as a resident meets it: lock then pay, free segments, idempotent retries, the per-patient
/// rules and the release window, each with the error code the mini-program shows.
@Suite struct BookingTests {
    typealias F = AppointmentFixture

    @Test func aFreeSegmentIsConfirmedAtOnceWithItsNotifications() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h)
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let booked = try await resident.book(client, slot: clinic.slotIDs[0])
                #expect(booked.status == 201, "\(booked.body)")
                let booking = booked.object("booking")
                #expect(booking["state"] as? String == "confirmed")
                #expect(booking["visitNumber"] as? Int == 1)
                #expect(booking["amountDueFen"] as? Int == 0)
                #expect(booking["day"] as? String == F.day)
                #expect(booking["departmentName"] as? String == "内科")
                let id = try #require(booking["id"] as? String)
                let events = try await h.services.outbox.entries(subjectID: id).map(\.event)
                #expect(events == ["appointment.booked"])
                #expect(try await F.taken(h, slot: clinic.slotIDs[0]) == 1)

                let listed = try await client.call(.get, "/api/v1/bookings?state=live", token: resident.token)
                #expect((listed["bookings"] as? [any Sendable])?.count == 1)
                let past = try await client.call(.get, "/api/v1/bookings?state=past", token: resident.token)
                #expect((past["bookings"] as? [any Sendable])?.isEmpty == true)
            }
        }
    }

    @Test func aPaidSegmentIsLockedUntilTheFeeIsPaid() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 3, feeFen: 5000, type: "expert")])
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let resident = try await Resident.register(h, client)
                let locked = try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")
                #expect(locked["state"] as? String == "locked")
                #expect(locked["amountDueFen"] as? Int == 5000)
                #expect(locked["lockExpiresAt"] as? String == ISO8601.string(F.dayBefore10am.addingTimeInterval(15 * 60)))
                let id = try #require(locked["id"] as? String)
                #expect(try await h.services.outbox.entries(subjectID: id).isEmpty, "nothing is announced before payment")

                let short = try await terminal.call(client, h, .post, "/integration/v1/bookings/\(id)/payment",
                                                    json: #"{"tradeNo":"W202612010001","amountFen":4999,"channel":"window"}"#)
                #expect(short.status == 422)
                #expect(short.errorCode == "amount_mismatch")
                let paid = try await terminal.call(client, h, .post, "/integration/v1/bookings/\(id)/payment",
                                                   json: #"{"tradeNo":"W202612010001","amountFen":5000,"channel":"window"}"#)
                #expect(paid.status == 200, "\(paid.body)")
                #expect(paid.object("booking")["state"] as? String == "confirmed")
                #expect(paid.object("booking")["amountDueFen"] as? Int == 0)
                let again = try await terminal.call(client, h, .post, "/integration/v1/bookings/\(id)/payment",
                                                    json: #"{"tradeNo":"W202612010001","amountFen":5000,"channel":"window"}"#)
                #expect(again.status == 200, "a repeated payment report changes nothing")
                #expect(try await h.services.outbox.entries(subjectID: id).map(\.event) == ["appointment.booked"])
            }
        }
    }

    @Test func anExpiredLockStopsCountingBeforeAnySweeperRuns() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 1, feeFen: 1000)])
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let first = try await Resident.register(h, client)
                let second = try await Resident.register(h, client, phone: "13900139000", idNumber: TestIDNumber.make(birth: "19900101", male: true))
                let lock = try await first.book(client, slot: clinic.slotIDs[0]).object("booking")
                let full = try await second.book(client, slot: clinic.slotIDs[0])
                #expect(full.status == 409)
                #expect(full.errorCode == "slot_full")

                h.clock.advance(by: 15 * 60 + 1)
                let taken = try await second.book(client, slot: clinic.slotIDs[0])
                #expect(taken.status == 201, "the run-out lock no longer holds the place: \(taken.body)")
                #expect(try await F.taken(h, slot: clinic.slotIDs[0]) == 1)

                let lateID = try #require(lock["id"] as? String)
                let late = try await terminal.call(client, h, .post, "/integration/v1/bookings/\(lateID)/payment",
                                                   json: #"{"tradeNo":"W1","amountFen":1000,"channel":"window"}"#)
                #expect(late.status == 409)
                #expect(late.errorCode == "lock_expired", "released by the next booking; the payer is refunded")
                let shown = try await client.call(.get, "/api/v1/bookings/\(lateID)", token: first.token)
                #expect(shown.object("booking")["state"] as? String == "expired")
            }
        }
    }

    @Test func aPaymentArrivingAfterTheLockRanOutIsRefusedForRefund() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 2, feeFen: 1000)])
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let resident = try await Resident.register(h, client)
                let id = try #require(try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)
                h.clock.advance(by: 16 * 60)
                let late = try await terminal.call(client, h, .post, "/integration/v1/bookings/\(id)/payment",
                                                   json: #"{"tradeNo":"W2","amountFen":1000,"channel":"window"}"#)
                #expect(late.status == 409)
                #expect(late.errorCode == "lock_expired")
                #expect(try await F.taken(h, slot: clinic.slotIDs[0]) == 0)
            }
        }
    }

    @Test func theSameIdempotencyKeyReturnsTheSameBooking() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 5),
                                                          .init(start: "08:30", end: "09:00", capacity: 5)])
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let first = try await resident.book(client, slot: clinic.slotIDs[0], key: "tap-1")
                let repeated = try await resident.book(client, slot: clinic.slotIDs[0], key: "tap-1")
                #expect(first.status == 201)
                #expect(repeated.status == 200)
                #expect(first.object("booking")["id"] as? String == repeated.object("booking")["id"] as? String)
                #expect(try await F.taken(h, slot: clinic.slotIDs[0]) == 1)
                let other = try await resident.book(client, slot: clinic.slotIDs[1], key: "tap-1")
                #expect(other.status == 409)
                #expect(other.errorCode == "idempotency_conflict")
                let tooLong = try await resident.book(client, slot: clinic.slotIDs[1], key: String(repeating: "k", count: 65))
                #expect(tooLong.errorCode == "idempotency_key_invalid")
            }
        }
    }

    @Test func onePatientOneDepartmentOneDay() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let morning = try await F.clinic(h)
            let afternoon = try await F.clinic(h, period: "afternoon", segments: [.init(start: "14:00", end: "14:30", capacity: 5)])
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                #expect(try await resident.book(client, slot: morning.slotIDs[0]).status == 201)
                let twice = try await resident.book(client, slot: afternoon.slotIDs[0])
                #expect(twice.status == 409)
                #expect(twice.errorCode == "duplicate_booking")
                let child = try await resident.addMember(client, name: "张小", idNumber: TestIDNumber.make(birth: "20180601", male: true))
                #expect(try await resident.book(client, member: child, slot: afternoon.slotIDs[0]).status == 201,
                        "another family member may book the same department")
            }
        }
    }

    @Test func thePatientMustBeOnTheAccountAndTheSlotMustExist() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h)
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let stranger = try await Resident.register(h, client, phone: "13900139000", idNumber: TestIDNumber.make(birth: "19800101", male: true))
                let foreign = try await stranger.book(client, member: resident.selfMemberID, slot: clinic.slotIDs[0])
                #expect(foreign.status == 404)
                #expect(foreign.errorCode == "family_member_not_found")
                let missing = try await resident.book(client, slot: "slt_nosuch")
                #expect(missing.status == 404)
                #expect(missing.errorCode == "slot_not_found")
                let booked = try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")
                let id = try #require(booked["id"] as? String)
                let peek = try await client.call(.get, "/api/v1/bookings/\(id)", token: stranger.token)
                #expect(peek.status == 404, "another account cannot see the booking")
                let noToken = try await client.call(.post, "/api/v1/bookings", json: "{}")
                #expect(noToken.status == 401)
            }
        }
    }

    @Test func atMostNLiveBookingsPerPatient() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let a = try await F.clinic(h, department: "A")
            try await F.policy(h, #"{"maxActiveBookings": 2}"#)
            let b = try await F.clinic(h, department: "B")
            let c = try await F.clinic(h, department: "C")
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                #expect(try await resident.book(client, slot: a.slotIDs[0]).status == 201)
                #expect(try await resident.book(client, slot: b.slotIDs[0]).status == 201)
                let third = try await resident.book(client, slot: c.slotIDs[0])
                #expect(third.status == 422)
                #expect(third.errorCode == "booking_limit")
            }
        }
    }

    @Test func departmentsRefusePatientsOutsideTheirAgeAndSex() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let paediatrics = try await F.clinic(h, department: "ERKE", departmentName: "儿科", maxAge: 14)
            let andrology = try await F.clinic(h, department: "NANKE", departmentName: "男科", sex: "male")
            try await h.test { client in
                // The registered resident is a woman born in 1949.
                let resident = try await Resident.register(h, client)
                let old = try await resident.book(client, slot: paediatrics.slotIDs[0])
                #expect(old.status == 422)
                #expect(old.errorCode == "age_restricted")
                #expect(old.object("error")["message"] as? String == "儿科 sees patients up to 14 years old.")
                let woman = try await resident.book(client, slot: andrology.slotIDs[0])
                #expect(woman.errorCode == "sex_restricted")
                let boy = try await resident.addMember(client, name: "张小明", idNumber: TestIDNumber.make(birth: "20150301", male: true))
                #expect(try await resident.book(client, member: boy, slot: paediatrics.slotIDs[0]).status == 201)
                #expect(try await resident.book(client, member: boy, slot: andrology.slotIDs[0]).status == 201)
            }
        }
    }

    @Test func placesKeptForOnSiteAndElderlyPatients() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 2, reserved: 1)])
            try await h.test { client in
                let young = try await Resident.register(h, client, phone: "13900139000", idNumber: TestIDNumber.make(birth: "19900101", male: true))
                let youngChild = try await young.addMember(client, name: "王小", idNumber: TestIDNumber.make(birth: "20200101", male: false))
                #expect(try await young.book(client, slot: clinic.slotIDs[0]).status == 201)
                let kept = try await young.book(client, member: youngChild, slot: clinic.slotIDs[0])
                #expect(kept.errorCode == "slot_full", "the last place is kept for on-site and elderly patients")
                let elderly = try await Resident.register(h, client)  // born 1949
                #expect(try await elderly.book(client, slot: clinic.slotIDs[0]).status == 201)
                #expect(try await F.taken(h, slot: clinic.slotIDs[0]) == 2)
            }
        }
    }

    @Test func theReleaseWindowDecidesWhenADayMayBeBooked() async throws {
        try await TestHarness.with { h in
            // 7 days ahead, released at 07:00, no booking 00:00-06:30, tomorrow closes at 17:00,
            // same-day mornings close at 11:00.
            let today = "2026-12-01"
            let tomorrow = try await F.clinic(h, department: "T", day: "2026-12-02")
            let week = try await F.clinic(h, department: "W", day: "2026-12-08")
            let todays = try await F.clinic(h, department: "D", day: today, segments: [.init(start: "11:30", end: "12:00", capacity: 5)])
            let early = try await F.clinic(h, department: "E", day: today, segments: [.init(start: "08:00", end: "08:30", capacity: 5)])
            try await h.test { client in
                h.clock.set(F.at(day: today, "06:50"))
                let resident = try await Resident.register(h, client)
                let notYet = try await resident.book(client, slot: week.slotIDs[0])
                #expect(notYet.status == 422)
                #expect(notYet.errorCode == "day_not_released")
                h.clock.set(F.at(day: today, "07:00"))
                #expect(try await resident.book(client, slot: week.slotIDs[0]).status == 201)

                h.clock.set(F.at(day: today, "17:00"))
                #expect(try await resident.book(client, slot: tomorrow.slotIDs[0]).errorCode == "booking_closed")
                h.clock.set(F.at(day: today, "11:00"))
                #expect(try await resident.book(client, slot: todays.slotIDs[0]).errorCode == "same_day_closed")
                #expect(try await resident.book(client, slot: early.slotIDs[0]).errorCode == "slot_started")
                h.clock.set(F.at(day: "2026-12-02", "00:10"))
                #expect(try await resident.book(client, slot: week.slotIDs[0]).errorCode == "booking_blackout")
            }
        }
    }

    @Test func theResourceKindDecidesWhatAPatientMayHold() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let ct = try await F.clinic(h, department: "FS", departmentName: "放射科", kind: "exam")
            let mri = try await F.clinic(h, department: "FS", departmentName: "放射科", kind: "exam")
            let ward = try await F.clinic(h, department: "NK", departmentName: "内科病区", kind: "bed")
            let laterWard = try await F.clinic(h, department: "NK", departmentName: "内科病区", kind: "bed", day: "2026-12-03")
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                #expect(try await resident.book(client, slot: ct.slotIDs[0]).status == 201)
                #expect(try await resident.book(client, slot: mri.slotIDs[0]).status == 201, "two different exams in one department")
                #expect(try await resident.book(client, slot: ward.slotIDs[0]).status == 201)
                let second = try await resident.book(client, slot: laterWard.slotIDs[0])
                #expect(second.errorCode == "duplicate_booking", "one bed at a time, whatever the day")
            }
        }
    }

    @Test func theDayBeforeReminderGoesOnceAtTheHospitalsReminderTime() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 5)])
            try await F.policy(h, #"{"reminderTime": "19:30"}"#)
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let child = try await resident.addMember(client, name: "张小", idNumber: TestIDNumber.make(birth: "20160101", male: true))
                let kept = try #require(try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)
                let dropped = try #require(try await resident.book(client, member: child, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)
                _ = try await client.call(.post, "/api/v1/bookings/\(dropped)/cancel", token: resident.token)
                func reminders(_ id: String) async throws -> [OutboxStore.Entry] {
                    try await h.services.outbox.entries(subjectID: id).filter { $0.event == "appointment.reminder" }
                }
                h.clock.set(F.at(day: "2026-11-30", "19:29"))
                #expect(try await h.services.appointmentSweeper.pass().reminders == 0)
                h.clock.set(F.at(day: "2026-11-30", "19:30"))
                #expect(try await h.services.appointmentSweeper.pass().reminders == 1)
                #expect(try await h.services.appointmentSweeper.pass().reminders == 0, "once")
                let reminder = try #require(try await reminders(kept).first)
                #expect(reminder.payload["visitNumber"] == "1")
                #expect(reminder.payload["day"] == F.day)
                #expect(try await reminders(dropped).isEmpty, "a cancelled booking is not reminded")
            }
        }
    }

    @Test func aPatientsOwnRunOutLockNeverBlocksTheirNextBooking() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 5, feeFen: 1000),
                                                          .init(start: "08:30", end: "09:00", capacity: 5, feeFen: 1000)])
            try await F.policy(h, #"{"maxActiveBookings": 1}"#)
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let first = try #require(try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)
                #expect(try await resident.book(client, slot: clinic.slotIDs[1]).errorCode == "booking_limit")
                h.clock.advance(by: 15 * 60 + 1)
                let again = try await resident.book(client, slot: clinic.slotIDs[1])
                #expect(again.status == 201, "same department and day, limit 1: the run-out lock is out of the way \(again.body)")
                #expect(try await client.call(.get, "/api/v1/bookings/\(first)", token: resident.token).object("booking")["state"] as? String == "expired")
                #expect(try await F.taken(h, slot: clinic.slotIDs[0]) == 0)
            }
        }
    }
}
