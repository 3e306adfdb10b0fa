import HuiminCore
@testable import huimin_sim
import Testing

/// The load test's bookkeeping: percentiles, the uncontended booking layout, synthetic people.
@Suite struct LoadTests {
    @Test func percentilesAreNearestRank() {
        var stats = LoadStats()
        for ms in 1...100 { stats.record(ms % 10 == 0 ? "slot_full" : "created", seconds: Double(ms) / 1000) }
        #expect(stats.percentile(50) == 50)
        #expect(stats.percentile(99) == 99)
        #expect(stats.percentile(100) == 100)
        #expect(stats.outcomes == ["created": 90, "slot_full": 10])
        #expect(stats.outcomeLine() == "created 90, slot_full 10")
        #expect(LoadStats().percentile(99) == 0)
        var merged = LoadStats()
        merged.merge(stats)
        merged.merge(stats)
        #expect(merged.count == 200 && merged.percentile(50) == 50)
    }

    private func plan(residents: Int, family: Int, departments: Int, days: Int, maxActive: Int = 100) -> LoadPlan {
        let slotsPerDay = LoadHospital.slotsPerDay
        let grid = (0..<departments).map { d in (0..<days).map { day in (0..<slotsPerDay).map { "slot-\(d)-\(day)-\($0)" } } }
        return LoadPlan(server: "http://x", hospital: "LOAD", createdAt: "", residents: (0..<residents).map { r in
            .init(token: "t\(r)", members: (0..<family).map { "m\(r)-\($0)" })
        }, departments: (0..<departments).map { .init(code: "L\($0)", id: "dep\($0)") }, days: (0..<days).map { "d\($0)" },
        grid: grid, horizonDays: days + 2, maxActiveBookings: maxActive)
    }

    /// Every booking the plan hands out is legal for its patient: never the same department and
    /// day twice, never more than the live-booking limit, and no slot asked for more places than
    /// setup gave it.
    @Test func uncontendedBookingsNeverRepeatAPatientsDepartmentAndDay() {
        let plan = plan(residents: 30, family: 2, departments: 3, days: 5)
        let patients = plan.patients
        #expect(plan.bookingsPerPatient == 15)
        #expect(plan.sustainedCapacity == 60 * 15)
        var cells = Set<String>()
        var perSlot: [String: Int] = [:]
        var n = 0
        while let booking = plan.sustainedBooking(n, patients: patients) {
            let slot = booking.slot.split(separator: "-")
            let cell = "\(booking.member)/\(slot[1])/\(slot[2])"
            #expect(cells.insert(cell).inserted, "\(cell) twice")
            perSlot[booking.slot, default: 0] += 1
            n += 1
        }
        #expect(n == plan.sustainedCapacity)
        let capacity = (patients.count + LoadHospital.slotsPerDay - 1) / LoadHospital.slotsPerDay + 5
        #expect(perSlot.values.max()! <= capacity)
        // Bookings made one after another go to different patients, departments or days.
        let first = plan.sustainedBooking(0, patients: patients)!, second = plan.sustainedBooking(1, patients: patients)!
        #expect(first.member != second.member && first.slot != second.slot)
    }

    @Test func theLiveBookingLimitCapsEachPatient() {
        let plan = plan(residents: 4, family: 1, departments: 20, days: 28, maxActive: 40)
        #expect(plan.bookingsPerPatient == 30)
        #expect(plan.sustainedBooking(4 * 30, patients: plan.patients) == nil)
        #expect(plan.sustainedBooking(4 * 30 - 1, patients: plan.patients) != nil)
    }

    @Test func syntheticPeopleHaveDistinctValidIDNumbers() {
        let residents = LoadResidents(client: LoadClient(connection: try! ConnectionOptions.parse([]), inFlight: 1), family: 2)
        let people = (0..<2000).map(residents.person)
        #expect(Set(people.map(\.idNumber)).count == 2000)
        for person in people.prefix(600) {
            #expect(person.idNumber.count == 18)
            #expect(IDCardNumber.checkCharacter(for: String(person.idNumber.prefix(17))) == person.idNumber.last)
            #expect(person.name.count == 2)
        }
    }

    @Test func raceSessionSharesThePlacesEvenly() throws {
        let spec = LoadRaceCommand.session(resource: "R-RACE1", day: "2026-03-02", places: 500, segments: 4, fee: 0)
        let session = try spec.session()
        #expect(session.at("segments.length") == .number(4))
        #expect(session.at("segments[0].capacity") == .number(125))
        #expect(session.at("segments[3].end") == .string("08:00"))
    }
}
