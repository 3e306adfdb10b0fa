import ArgumentParser
import Foundation

/// `load race`: the rush hour. A new session with `places` places is published on the day just
/// beyond the booking horizon (not yet released); the policy then moves the horizon one day on
/// (放号) and `residents` residents book it at once. The report checks the result against the
/// server's own slot view and every resident's booking list: confirmed must equal the places
/// taken, never more than the places there are, and every booking a resident holds must be one
/// the race was answered with.
struct LoadRaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "race",
        abstract: "Many residents race for one session's places right after release; checks nothing is oversold or lost.")

    @OptionGroup var options: LoadOptions
    @Option(help: "Residents racing (each books once, for their self member).") var residents = 2000
    @Option(help: "Places in the session.") var places = 500
    @Option(help: "Segments the places are split across (residents spread evenly over them).") var segments = 1
    @Option(help: "Fee per booking in fen (0: confirmed at once; paid: the place is locked).") var fee = 0
    @Option(help: "Requests in flight at once.") var concurrency = 256
    @Option(help: "Winners who repeat their request with the same Idempotency-Key afterwards.") var replays = 50

    func run() async throws {
        var plan = try LoadPlan.load(options.plan)
        guard residents <= plan.residents.count else {
            throw ValidationError("the plan has \(plan.residents.count) residents; run setup with --residents \(residents)")
        }
        guard places > 0, (1...16).contains(segments), places % segments == 0 else {
            throw ValidationError("places > 0, 1 ≤ segments ≤ 16, and segments divides places")
        }
        let client = LoadClient(connection: options.connection, inFlight: concurrency)
        let site = LoadHospital(client: client, hospital: plan.hospital)
        let token = plan.residents[0].token
        plan.races += 1
        let tag = "RACE\(plan.races)-\(Int(Date().timeIntervalSince1970) % 1_000_000)"
        let raceDay = try BusinessTime.day(offset: plan.horizonDays + 1)

        // The session, published before its day is released.
        try await site.publishCatalog(departments: plan.departments.count, extra: tag)
        try await site.publish([Self.session(resource: LoadHospital.resourceCode(tag), day: raceDay, places: places,
                                             segments: segments, fee: fee)])
        guard let department = try await site.departmentIDs(token: token)[tag] else {
            throw SimFailure("the race department \(tag) is not listed")
        }
        let session = try await raceSession(site: site, department: department, day: raceDay, token: token)
        let before = try await site.slotIDs(session: session, token: token)
        guard before.count == segments else { throw SimFailure("the race session lists \(before.count) segments, not \(segments)") }
        let closedBefore = before.first?.closedReason ?? "none"

        // 放号: the day opens, and everyone taps at once.
        try await site.setPolicy(horizonDays: plan.horizonDays + 1)
        let slots = before.map(\.id)
        let racers = plan.residents
        let started = ContinuousClock.now
        let replies = await concurrently(residents, limit: concurrency) { index in
            await client.api("POST", "/api/v1/bookings", token: racers[index].token,
                             body: .object(["memberId": .string(racers[index].members[0]), "slotId": .string(slots[index % slots.count])]),
                             headers: [("Idempotency-Key", "\(tag)-\(index)")])
        }
        let wall = LoadClient.seconds(since: started)
        try await site.setPolicy(horizonDays: plan.horizonDays)
        try plan.save(options.plan)

        var stats = LoadStats()
        var winners: [Int: String] = [:]
        for (index, reply) in replies.enumerated() {
            let state = reply.json?.at("booking.state")?.stringValue
            let outcome = reply.status == 201 ? (state ?? "created") : reply.code
            stats.record(outcome, seconds: reply.seconds)
            if reply.status == 201, let id = reply.json?.at("booking.id")?.stringValue { winners[index] = id }
        }
        let after = try await site.slotIDs(session: session, token: token)
        let taken = after.reduce(0) { $0 + max(0, places / segments - $1.remaining) }
        let held = try await heldBookings(client: client, plan: plan, residents: residents, department: department)
        let replayed = try await replay(client: client, plan: plan, tag: tag, slots: slots, winners: winners)

        let confirmed = winners.count
        let unanswered = held.filter { winners[$0.key] != $0.value }.count
        let report = JSONValue.object([
            "residents": .number(Double(residents)), "places": .number(Double(places)), "segments": .number(Double(segments)),
            "closedBeforeRelease": .string(closedBefore),
            "confirmed": .number(Double(confirmed)), "takenPerServer": .number(Double(taken)),
            "oversold": .number(Double(max(0, confirmed - places, taken - places))),
            "heldByResidents": .number(Double(held.count)), "heldWithoutAnswer": .number(Double(unanswered)),
            "replays": .number(Double(replayed.total)), "replaysSameBooking": .number(Double(replayed.same)),
            "wallSeconds": .number((wall * 1000).rounded() / 1000), "stats": stats.summary(),
        ])
        if options.json {
            print(report.json)
        } else {
            print("""
                race \(tag) for \(raceDay): \(residents) residents, \(places) places in \(segments) segment(s), \(concurrency) in flight
                before release each segment answered: \(closedBefore)
                outcomes: \(stats.outcomeLine())
                confirmed \(confirmed), places taken per the server's slot view \(taken), oversold \(max(0, confirmed - places, taken - places))
                bookings residents hold in the session \(held.count) (\(unanswered) without a 201 answer)
                idempotent replays: \(replayed.same)/\(replayed.total) returned the same booking
                all answered in \(String(format: "%.2f", wall)) s; latency \(stats.latencyLine())
                """)
        }
        let exact = taken == min(places, residents) && confirmed == taken && held.count == confirmed && unanswered == 0
        if !exact || replayed.same != replayed.total { throw ExitCode.failure }
    }

    /// One morning session of back-to-back 15-minute segments sharing the places equally.
    static func session(resource: String, day: String, places: Int, segments: Int, fee: Int) -> ScheduleSpec {
        var spec = ScheduleSpec(resource: resource, day: day, period: "morning")
        spec.start = "07:00"
        spec.segments = segments
        spec.minutes = 15
        spec.capacity = places / segments
        spec.feeFen = Int64(fee)
        return spec
    }

    private func raceSession(site: LoadHospital, department: String, day: String, token: String) async throws -> String {
        let reply = await site.client.api("GET", "/api/v1/departments/\(department)/resources?from=\(day)&to=\(day)", token: token)
        guard let session = reply.json?.at("resources[0].days[0].sessionId")?.stringValue else {
            throw SimFailure("the race session is not listed (\(reply.code))")
        }
        return session
    }

    /// Every racing resident's live bookings in the race department: what they would see in
    /// the mini-program. Keyed by resident index.
    private func heldBookings(client: LoadClient, plan: LoadPlan, residents: Int, department: String) async throws -> [Int: String] {
        let lists = await concurrently(residents, limit: concurrency) { index in
            await client.api("GET", "/api/v1/bookings?state=live", token: plan.residents[index].token)
        }
        var held: [Int: String] = [:]
        for (index, reply) in lists.enumerated() {
            guard reply.isSuccess, case .array(let bookings)? = reply.json?.at("bookings") else {
                throw SimFailure("listing a racer's bookings answered \(reply.code)")
            }
            for booking in bookings where booking.at("departmentId")?.stringValue == department {
                held[index] = booking.at("id")?.stringValue
            }
        }
        return held
    }

    /// Some winners tap again with the same key: each must get the same booking back.
    private func replay(client: LoadClient, plan: LoadPlan, tag: String, slots: [String],
                        winners: [Int: String]) async throws -> (total: Int, same: Int) {
        let chosen = Array(winners.keys.sorted().prefix(replays))
        let replies = await concurrently(chosen.count, limit: concurrency) { position in
            let index = chosen[position]
            return await client.api("POST", "/api/v1/bookings", token: plan.residents[index].token,
                                    body: .object(["memberId": .string(plan.residents[index].members[0]),
                                                   "slotId": .string(slots[index % slots.count])]),
                                    headers: [("Idempotency-Key", "\(tag)-\(index)")])
        }
        let same = zip(chosen, replies).filter { index, reply in
            reply.status == 200 && reply.json?.at("booking.id")?.stringValue == winners[index]
        }.count
        return (chosen.count, same)
    }
}
