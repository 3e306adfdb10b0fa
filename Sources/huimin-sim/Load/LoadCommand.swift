import ArgumentParser
import Foundation
import Synchronization

/// `huimin-sim load …`: many residents against a running server (sandbox on). `setup` once,
/// then `race` and `sustained` as often as wanted; `requests` feeds `wrk` (assets/bench/booking.sh).
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Play many residents against a running server: setup, race, sustained, requests.",
        subcommands: [LoadSetupCommand.self, LoadRaceCommand.self, LoadSustainedCommand.self, LoadRequestsCommand.self])
}

/// Options every load subcommand shares.
struct LoadOptions: ParsableArguments {
    @OptionGroup var connection: ConnectionOptions

    @Option(help: "The plan file setup writes and the runs read (holds session tokens: keep it private).")
    var plan = "load-plan.json"

    @Flag(help: "Print the report as JSON.")
    var json = false
}

struct LoadSetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Register residents, publish the load hospital's catalog, policy and schedules, and write the plan.",
        discussion: """
            The hospital is the one whose API key is given (`huimin admin hospital-add --code LOAD --name …`);
            --hospital must name the same code.
            """)

    @OptionGroup var options: LoadOptions
    @Option(help: "The hospital code of the API key.") var hospital = "LOAD"
    @Option(help: "Accounts to register (each a resident with a real name).") var residents = 2000
    @Option(help: "Patients per account: the resident plus relatives (at most the server's family limit).") var family = 1
    @Option(help: "Departments in the uncontended grid.") var departments = 20
    @Option(help: "Days in the uncontended grid (from the day after tomorrow).") var days = 28
    @Option(help: "Registrations in flight at once.") var concurrency = 16

    func run() async throws {
        guard (1...60).contains(days), departments > 0, residents > 0, family > 0 else {
            throw ValidationError("days is 1…60; residents, departments and family are positive")
        }
        let client = LoadClient(connection: options.connection, inFlight: max(concurrency, 16))
        let site = LoadHospital(client: client, hospital: hospital)
        let horizon = days + 2
        try await site.setPolicy(horizonDays: horizon, maxActiveBookings: 100)
        try await site.publishCatalog(departments: departments)

        let started = ContinuousClock.now
        let factory = LoadResidents(client: client, family: family)
        let progress = LoadProgress(total: residents, every: 250, label: "registered")
        let outcomes = await concurrently(residents, limit: concurrency) { index -> Result<LoadPlan.Resident, SimFailure> in
            defer { progress.tick() }
            do {
                return .success(try await factory.register(index))
            } catch let failure as SimFailure {
                return .failure(failure)
            } catch {
                return .failure(SimFailure("\(error)"))
            }
        }
        let registered = outcomes.compactMap { try? $0.get() }
        let failures = outcomes.count - registered.count
        if let first = outcomes.first(where: { (try? $0.get()) == nil }), case .failure(let failure) = first {
            FileHandle.standardError.write(Data("\(failures) registrations failed; first: \(failure.description)\n".utf8))
        }
        guard let token = registered.first?.token else { throw SimFailure("no resident could register") }
        let registration = LoadClient.seconds(since: started)

        let patients = registered.reduce(0) { $0 + $1.members.count }
        let capacity = (patients + LoadHospital.slotsPerDay - 1) / LoadHospital.slotsPerDay + 5
        let gridDays = try (2..<(2 + days)).map { offset throws(SimFailure) in try BusinessTime.day(offset: offset) }
        let published = await concurrently(gridDays.count, limit: 4) { index -> String? in
            do {
                try await site.publish(LoadHospital.gridDay(gridDays[index], departments: departments, capacity: capacity))
                return nil
            } catch {
                return "\(error)"
            }
        }
        if let problem = published.compactMap({ $0 }).first { throw SimFailure("publishing schedules failed: \(problem)") }

        let ids = try await site.departmentIDs(token: token)
        let codes = (0..<departments).map(LoadHospital.departmentCode)
        let departmentsSeen = try codes.map { code throws(SimFailure) in
            guard let id = ids[code] else { throw SimFailure("department \(code) is not listed after publishing the catalog") }
            return LoadPlan.Department(code: code, id: id)
        }
        let grids = await concurrently(departmentsSeen.count, limit: 8) { index -> Result<[[String]], SimFailure> in
            do {
                return .success(try await site.slots(department: departmentsSeen[index].id, days: gridDays, token: token))
            } catch {
                return .failure(SimFailure("\(error)"))
            }
        }
        let grid = try grids.map { try $0.get() }
        let slotCount = grid.joined().reduce(0) { $0 + $1.count }
        guard slotCount == departments * days * LoadHospital.slotsPerDay else {
            throw SimFailure("expected \(departments * days * LoadHospital.slotsPerDay) slots in the grid, the server lists \(slotCount)")
        }

        let plan = LoadPlan(server: client.server, hospital: hospital, createdAt: ISO8601DateFormatter().string(from: Date()),
                            residents: registered, departments: departmentsSeen, days: gridDays, grid: grid,
                            horizonDays: horizon, maxActiveBookings: 100)
        try plan.save(options.plan)
        let report = JSONValue.object([
            "residents": .number(Double(registered.count)), "failedRegistrations": .number(Double(failures)),
            "patients": .number(Double(patients)), "registrationSeconds": .number((registration * 10).rounded() / 10),
            "slots": .number(Double(slotCount)), "placesPerSlot": .number(Double(capacity)),
            "sustainedCapacity": .number(Double(plan.sustainedCapacity)), "plan": .string(options.plan),
        ])
        if options.json {
            print(report.json)
        } else {
            print("""
                registered \(registered.count) residents (\(patients) patients) in \(String(format: "%.1f", registration)) s\
                \(failures > 0 ? ", \(failures) failed" : "")
                published \(departments) departments × \(days) days × \(LoadHospital.slotsPerDay) segments = \(slotCount) slots, \
                \(capacity) places each
                uncontended bookings available: \(plan.sustainedCapacity); plan written to \(options.plan)
                """)
        }
    }
}

/// Prints "registered 250/2000" lines to stderr as a long setup goes on.
final class LoadProgress: Sendable {
    private let done = Atomic<Int>(0)
    let total: Int
    let every: Int
    let label: String

    init(total: Int, every: Int, label: String) {
        self.total = total
        self.every = every
        self.label = label
    }

    func tick() {
        let now = done.add(1, ordering: .relaxed).newValue
        if now % every == 0 || now == total {
            FileHandle.standardError.write(Data("\(label) \(now)/\(total)\n".utf8))
        }
    }
}
