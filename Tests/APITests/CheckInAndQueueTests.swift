import Appointments
import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// 扫码报到 and 排队候诊: the resident scans the clinic's code within the window, waits in order,
/// and hears when three are ahead.
@Suite struct CheckInAndQueueTests {
    typealias F = AppointmentFixture

    @Test func checkInOnlyWithTheClinicsCodeInsideTheWindow() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h)
            let elsewhere = try await F.clinic(h, department: "WAI", departmentName: "外科")
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let resident = try await Resident.register(h, client)
                let id = try #require(try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)
                let code = try #require(try await terminal.call(client, h, .get, "/integration/v1/departments/NEI/check-in-code")["code"] as? String)
                let otherCode = try #require(try await terminal.call(client, h, .get, "/integration/v1/departments/WAI/check-in-code")["code"] as? String)
                #expect(elsewhere.departmentCode == "WAI")
                func scan(_ text: String) async throws -> APIResult {
                    try await client.call(.post, "/api/v1/bookings/\(id)/check-in", token: resident.token, json: #"{"code":"\#(text)"}"#)
                }
                h.clock.set(F.at(day: F.day, "06:59"))
                #expect(try await scan(code).errorCode == "check_in_too_early")
                h.clock.set(F.at(day: F.day, "07:30"))
                #expect(try await scan("HMCI1.\(clinic.departmentID).FORGEDFORGEDFORGED").errorCode == "check_in_code_invalid")
                #expect(try await scan(otherCode).errorCode == "check_in_wrong_department")
                let checkedIn = try await scan(code)
                #expect(checkedIn.status == 200, "\(checkedIn.body)")
                #expect(checkedIn.object("booking")["state"] as? String == "checked_in")
                #expect(checkedIn.object("queue")["position"] as? Int == 1)
                #expect(try await scan(code).status == 200, "scanning twice is harmless")
                let cancel = try await client.call(.post, "/api/v1/bookings/\(id)/cancel", token: resident.token)
                #expect(cancel.errorCode == "booking_not_cancellable")
            }
        }
    }

    @Test func lateArrivalsAndUnpaidBookingsAreTurnedAway() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 5),
                                                          .init(start: "08:30", end: "09:00", capacity: 5, feeFen: 500)])
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let resident = try await Resident.register(h, client)
                let child = try await resident.addMember(client, name: "张小", idNumber: TestIDNumber.make(birth: "20160101", male: true))
                let free = try #require(try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)
                let unpaid = try #require(try await resident.book(client, member: child, slot: clinic.slotIDs[1]).object("booking")["id"] as? String)
                h.clock.set(F.at(day: F.day, "08:16"))
                let late = try await terminal.call(client, h, .post, "/integration/v1/bookings/\(free)/check-in")
                #expect(late.status == 422)
                #expect(late.errorCode == "check_in_too_late")
                h.clock.set(F.at(day: F.day, "08:20"))
                let notPaid = try await terminal.call(client, h, .post, "/integration/v1/bookings/\(unpaid)/check-in")
                #expect(notPaid.errorCode == "booking_not_paid")
            }
        }
    }

    @Test func theQueueMovesAsTheHospitalCallsAndTheNearTurnNoticeGoesOnce() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 10)])
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let resident = try await Resident.register(h, client)
                var bookings = [try #require(try await resident.book(client, slot: clinic.slotIDs[0]).object("booking")["id"] as? String)]
                for (n, name) in zip(1...4, ["张一", "张二", "张三丰", "张四"]) {
                    let member = try await resident.addMember(client, name: name, idNumber: TestIDNumber.make(birth: "2010010\(n)", male: n % 2 == 0, serial: n),
                                                              relation: "other")
                    bookings.append(try #require(try await resident.book(client, member: member, slot: clinic.slotIDs[0]).object("booking")["id"] as? String))
                }
                h.clock.set(F.at(day: F.day, "07:40"))
                for id in bookings {
                    #expect(try await terminal.call(client, h, .post, "/integration/v1/bookings/\(id)/check-in").status == 200)
                }
                func queue(_ id: String) async throws -> [String: any Sendable] {
                    try await client.call(.get, "/api/v1/bookings/\(id)/queue", token: resident.token).object("queue")
                }
                let last = try await queue(bookings[4])
                #expect(last["position"] as? Int == 5)
                #expect(last["ahead"] as? Int == 4)
                #expect(last["estimatedWaitMinutes"] as? Int == 32, "4 ahead at the default 8 minutes each")
                let nearTurn = { (id: String) async throws -> Int in
                    try await h.services.outbox.entries(subjectID: id).filter { $0.event == "queue.near_turn" }.count
                }
                #expect(try await nearTurn(bookings[3]) == 1, "3 ahead")
                #expect(try await nearTurn(bookings[4]) == 0)

                h.clock.set(F.at(day: F.day, "08:00"))
                let called = try await terminal.call(client, h, .post, "/integration/v1/queue/\(bookings[0])/call")
                #expect(called.object("booking")["state"] as? String == "called")
                #expect(try await nearTurn(bookings[4]) == 1, "now 3 are ahead of the fifth")
                h.clock.set(F.at(day: F.day, "08:12"))
                #expect(try await terminal.call(client, h, .post, "/integration/v1/queue/\(bookings[0])/complete").status == 200)
                let waiting = try await queue(bookings[4])
                #expect(waiting["ahead"] as? Int == 3)
                #expect(waiting["estimatedWaitMinutes"] as? Int == 36, "the session's own mean: 12 minutes a patient")

                // 过号: called, not there, back behind three others.
                _ = try await terminal.call(client, h, .post, "/integration/v1/queue/\(bookings[1])/call")
                let passed = try await terminal.call(client, h, .post, "/integration/v1/queue/\(bookings[1])/pass")
                #expect(passed.object("queue")["position"] as? Int == 4)
                #expect(try await queue(bookings[4])["ahead"] as? Int == 2)
                #expect(try await nearTurn(bookings[4]) == 1, "the notice goes once")

                let wrong = try await terminal.call(client, h, .post, "/integration/v1/queue/\(bookings[0])/call")
                #expect(wrong.status == 409)
                #expect(wrong.errorCode == "queue_state")
                let unknown = try await terminal.call(client, h, .post, "/integration/v1/queue/\(bookings[2])/dance")
                #expect(unknown.errorCode == "queue_action_unknown")
            }
        }
    }
}
