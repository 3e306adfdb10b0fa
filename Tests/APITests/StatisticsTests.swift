import Appointments
import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// 预约统计: counts for a small known set of bookings, one of each outcome.
@Suite struct StatisticsTests {
    typealias F = AppointmentFixture
    typealias Report = AppointmentStatistics.Report

    /// 内科 on 12-01: completed, cancelled, no-show; 外科 on 12-01: no-show and an expired lock;
    /// 内科 on 12-02: still confirmed.
    @Test func countsPerDepartmentDoctorAndDay() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let medicine = try await F.clinic(h)
            let surgery = try await F.clinic(h, department: "WAI", departmentName: "外科",
                                             segments: [.init(start: "08:00", end: "08:30", capacity: 5),
                                                        .init(start: "08:30", end: "09:00", capacity: 5, feeFen: 500)])
            let nextDay = try await F.clinic(h, day: "2026-12-02")
            try await h.test { client in
                let terminal = try await Terminal.connect(h)
                let resident = try await Resident.register(h, client)
                let first = try await resident.addMember(client, name: "张小", idNumber: TestIDNumber.make(birth: "20160101", male: true))
                let second = try await resident.addMember(client, name: "张二", idNumber: TestIDNumber.make(birth: "20180101", male: false))
                let seen = try await NoShowKit.book(client, resident, slot: medicine.slotIDs[0])
                let cancelled = try await NoShowKit.book(client, resident, member: first, slot: medicine.slotIDs[0])
                _ = try await NoShowKit.book(client, resident, member: second, slot: medicine.slotIDs[0])
                _ = try await NoShowKit.book(client, resident, slot: surgery.slotIDs[0])
                let unpaid = try await NoShowKit.book(client, resident, member: first, slot: surgery.slotIDs[1])
                _ = try await NoShowKit.book(client, resident, slot: nextDay.slotIDs[0])
                #expect(try await client.call(.post, "/api/v1/bookings/\(cancelled)/cancel", token: resident.token).status == 200)

                h.clock.set(F.at(day: F.day, "07:30"))
                #expect(try await terminal.call(client, h, .post, "/integration/v1/bookings/\(seen)/check-in").status == 200)
                #expect(try await terminal.call(client, h, .post, "/integration/v1/queue/\(seen)/call").status == 200)
                #expect(try await terminal.call(client, h, .post, "/integration/v1/queue/\(seen)/complete").status == 200)
                h.clock.set(F.at(day: F.day, "09:10"))
                _ = try await h.services.appointmentSweeper.pass()
                #expect(try await NoShowKit.state(h, unpaid) == "expired")

                let admin = try await NoShowKit.staffToken(h, client, "admin1", role: "admin")
                func report(_ query: String) async throws -> (APIResult, Report?) {
                    let result = try await client.call(.get, "/api/v1/staff/appointment-stats?\(query)", token: admin)
                    return (result, try? JSONDecoder().decode(Report.self, from: Data(result.raw)))
                }
                let range = "hospital=H0001&from=2026-12-01&to=2026-12-02"

                let (_, byDepartment) = try await report(range)
                let departments = try #require(byDepartment, "by defaults to department")
                let nei = try #require(departments.rows.first { $0.name == "内科" })
                #expect(nei.key == medicine.departmentID)
                #expect([nei.booked, nei.cancelled, nei.noShows, nei.visited] == [4, 1, 1, 1] as [Int])
                #expect(nei.visitRate == 0.3333, "1 visit of 3 expected")
                let wai = try #require(departments.rows.first { $0.name == "外科" })
                #expect([wai.booked, wai.cancelled, wai.noShows, wai.visited] == [1, 0, 1, 0] as [Int], "the expired lock never held a place")
                #expect(wai.visitRate == 0)
                let totals = departments.totals
                #expect([totals.booked, totals.cancelled, totals.noShows, totals.visited] == [5, 1, 2, 1] as [Int])
                #expect(totals.visitRate == 0.25)

                let (_, byDay) = try await report(range + "&by=day")
                let days = try #require(byDay)
                #expect(days.rows.map(\.key) == ["2026-12-01", "2026-12-02"])
                #expect(days.rows.map(\.booked) == [4, 1])
                #expect(days.rows.map(\.noShows) == [2, 0])
                #expect(days.rows.map(\.visitRate) == [0.3333, 0])

                let (_, byDoctor) = try await report(range + "&by=doctor")
                let doctors = try #require(byDoctor)
                #expect(doctors.rows.map(\.booked).sorted() == [1, 1, 3], "each fixture clinic has its own doctor")
                #expect(doctors.rows.first { $0.booked == 3 }?.visitRate == 0.5)
                #expect(doctors.rows.allSatisfy { $0.name == "李医生" })

                let (_, oneDay) = try await report("hospital=H0001&from=2026-12-02&to=2026-12-02&by=day")
                #expect(oneDay?.rows.map(\.key) == ["2026-12-02"])
                #expect(oneDay?.totals.booked == 1)
            }
        }
    }

    @Test func badQueriesAreRefusedWithTheirCodes() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            _ = try await F.clinic(h)
            try await h.test { client in
                let admin = try await NoShowKit.staffToken(h, client, "admin1", role: "admin")
                func code(_ query: String) async throws -> String? {
                    try await client.call(.get, "/api/v1/staff/appointment-stats?\(query)", token: admin).errorCode
                }
                #expect(try await code("from=2026-12-01&to=2026-12-01") == "hospital_missing")
                #expect(try await code("hospital=H0001&from=2026-13-01&to=2026-12-01") == "day_invalid")
                #expect(try await code("hospital=H0001&from=2026-12-01") == "day_invalid")
                #expect(try await code("hospital=H0001&from=2026-12-02&to=2026-12-01") == "day_invalid")
                #expect(try await code("hospital=H0001&from=2026-01-01&to=2027-01-02") == "range_too_long")
                #expect(try await code("hospital=H0001&from=2026-12-01&to=2026-12-01&by=week") == "stats_group_invalid")
                #expect(try await code("hospital=H9999&from=2026-12-01&to=2026-12-01") == "hospital_not_found")
                let year = try await client.call(.get, "/api/v1/staff/appointment-stats?hospital=H0001&from=2026-01-01&to=2027-01-01",
                                                 token: admin)
                #expect(year.status == 200, "366 days is allowed: \(year.body)")
                #expect(year.object("totals")["booked"] as? Int == 0)
                let anonymous = try await client.call(.get, "/api/v1/staff/appointment-stats?hospital=H0001&from=2026-12-01&to=2026-12-01")
                #expect(anonymous.status == 401)
            }
        }
    }
}
