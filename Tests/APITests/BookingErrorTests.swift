import Appointments
import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// The remaining refusals a resident, a hospital system or staff can meet around a booking, each
/// with its stable code.
@Suite struct BookingErrorTests {
    typealias F = AppointmentFixture

    @Test func refusalsAroundAnExistingBooking() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 5, feeFen: 600)])
            _ = try await F.clinic(h, hospital: "H0002", department: "OTHER")
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let otherHospital = try await Terminal.connect(h, code: "H0002")
                let resident = try await Resident.register(h, client)
                let id = try #require(try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)

                #expect(try await client.call(.get, "/api/v1/bookings?state=soon", token: resident.token).errorCode == "state_filter_invalid")
                #expect(try await client.call(.get, "/api/v1/bookings/bkg_nosuch", token: resident.token).errorCode == "booking_not_found")
                #expect(try await client.call(.get, "/api/v1/bookings/nonsense", token: resident.token).errorCode == "booking_not_found")
                let foreign = try await otherHospital.call(client, h, .post, "/integration/v1/bookings/\(id)/payment",
                                                           json: #"{"tradeNo":"X1","amountFen":600,"channel":"window"}"#)
                #expect(foreign.status == 404, "another hospital cannot touch this booking")
                #expect(foreign.errorCode == "booking_not_found")
                for bad in ["", String(repeating: "9", count: 33)] {
                    let refused = try await terminal.call(client, h, .post, "/integration/v1/bookings/\(id)/payment",
                                                          json: #"{"tradeNo":"\#(bad)","amountFen":600,"channel":"window"}"#)
                    #expect(refused.errorCode == "trade_no_invalid")
                }

                _ = try await client.call(.post, "/api/v1/bookings/\(id)/cancel", token: resident.token)
                let paidLate = try await terminal.call(client, h, .post, "/integration/v1/bookings/\(id)/payment",
                                                       json: #"{"tradeNo":"X2","amountFen":600,"channel":"window"}"#)
                #expect(paidLate.status == 409)
                #expect(paidLate.errorCode == "booking_not_payable")
                h.clock.set(F.at(day: F.day, "07:30"))
                let checkIn = try await terminal.call(client, h, .post, "/integration/v1/bookings/\(id)/check-in")
                #expect(checkIn.status == 409)
                #expect(checkIn.errorCode == "booking_not_checkable")
            }
        }
    }

    @Test func aFrozenCardCannotBook() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h)
            _ = try await h.services.staff.create(username: "admin1", password: "correct horse", role: "admin")
            try await h.test { client in
                let resident = try await Resident.register(h, client)
                let card = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/card", token: resident.token)
                let cardID = try #require(card.object("card")["cardId"] as? String)
                let login = try await client.call(.post, "/api/v1/staff/login", json: #"{"username":"admin1","password":"correct horse"}"#)
                let staff = try #require(login["token"] as? String)
                _ = try await client.call(.post, "/api/v1/staff/cards/\(cardID)/freeze", token: staff, json: #"{"reason":"reported lost"}"#)
                let refused = try await resident.book(client, slot: clinic.slotIDs[0])
                #expect(refused.status == 422)
                #expect(refused.errorCode == "card_not_active")
            }
        }
    }

    @Test func aSuspensionReasonResidentsCannotReadIsRefused() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h)
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let long = String(repeating: "停", count: 201)
                let refused = try await terminal.call(client, h, .post, "/integration/v1/sessions/suspend",
                    json: #"{"resourceCode":"\#(clinic.resourceCode)","day":"\#(F.day)","period":"morning","reason":"\#(long)"}"#)
                #expect(refused.errorCode == "reason_too_long")
                let wrongDay = try await terminal.call(client, h, .post, "/integration/v1/sessions/suspend",
                    json: #"{"resourceCode":"\#(clinic.resourceCode)","day":"2026-13-01","period":"morning","reason":"停诊"}"#)
                #expect(wrongDay.errorCode == "day_invalid")
                let wrongPeriod = try await terminal.call(client, h, .post, "/integration/v1/sessions/suspend",
                    json: #"{"resourceCode":"\#(clinic.resourceCode)","day":"\#(F.day)","period":"night","reason":"停诊"}"#)
                #expect(wrongPeriod.errorCode == "period_invalid")
            }
        }
    }
}
