import Foundation

/// What `load setup` made, so `race` and `sustained` can run again and again without
/// registering anyone: the residents' session tokens and members, the load hospital's
/// departments, and the slots laid out for uncontended bookings. Holds live session tokens:
/// keep it out of version control.
struct LoadPlan: Codable, Sendable {
    struct Resident: Codable, Sendable {
        var token: String
        /// The self member first, then relatives.
        var members: [String]
    }

    struct Department: Codable, Sendable {
        var code: String
        var id: String
    }

    var version = 1
    var server: String
    var hospital: String
    var createdAt: String
    var residents: [Resident]
    var departments: [Department]
    /// Business days the uncontended grid covers, in order.
    var days: [String]
    /// `grid[department][day]`: the slots of that department's sessions that day.
    var grid: [[[String]]]
    /// The policy `setup` set; `race` moves the horizon and puts it back.
    var horizonDays: Int
    var maxActiveBookings: Int
    /// Uncontended bookings handed out so far: the next run starts after them.
    var sustainedCursor = 0
    var races = 0

    static func load(_ path: String) throws -> LoadPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SimFailure("cannot read the plan \(path); make one with `huimin-sim load setup`")
        }
        return try JSONDecoder().decode(LoadPlan.self, from: data)
    }

    /// Written to a temporary name and renamed, so an interrupted run never leaves half a plan.
    func save(_ path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let temporary = path + ".tmp"
        try encoder.encode(self).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else { throw SimFailure("cannot write the plan \(path)") }
    }

    /// Every patient in the plan, with the token of the account they belong to.
    var patients: [(token: String, member: String)] {
        residents.flatMap { resident in resident.members.map { (resident.token, $0) } }
    }

    /// How many uncontended bookings each patient may hold: one per department and day, and no
    /// more than the policy's live-booking limit less a margin for race bookings.
    var bookingsPerPatient: Int {
        min(departments.count * days.count, maxActiveBookings - 10)
    }

    var sustainedCapacity: Int { patients.count * bookingsPerPatient }

    /// The `n`-th uncontended booking: patient `n mod P` takes its `n / P`-th (department, day),
    /// staggered by patient so bookings in flight together land in different departments, days
    /// and slots. Distinct n never give one patient the same department and day twice.
    func sustainedBooking(_ n: Int, patients: [(token: String, member: String)]) -> (token: String, member: String, slot: String)? {
        let count = patients.count
        guard count > 0, n >= 0 else { return nil }
        let patient = n % count
        let round = n / count
        guard round < bookingsPerPatient else { return nil }
        let cell = (round + patient) % (departments.count * days.count)
        let slots = grid[cell % departments.count][cell / departments.count]
        guard !slots.isEmpty else { return nil }
        return (patients[patient].token, patients[patient].member, slots[patient % slots.count])
    }
}
