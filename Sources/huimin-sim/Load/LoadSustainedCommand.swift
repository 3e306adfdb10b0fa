import ArgumentParser
import Foundation
import Synchronization

/// `load sustained`: uncontended bookings as fast as `concurrency` residents can make them for
/// `duration` seconds. Each booking is a different patient, department and day from the others in
/// flight (see `LoadPlan.sustainedBooking`), so what is measured is the booking path itself: the
/// rule checks, the transaction with its audit and outbox rows, and the durable commit.
struct LoadSustainedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sustained",
        abstract: "Uncontended bookings at a fixed concurrency for a while: bookings/s and latency percentiles.")

    @OptionGroup var options: LoadOptions
    @Option(help: "Seconds measured.") var duration = 20.0
    @Option(help: "Seconds of booking before measuring starts (connections warm up).") var warmup = 2.0
    @Option(help: "Requests in flight at once.") var concurrency = 32

    func run() async throws {
        var plan = try LoadPlan.load(options.plan)
        let client = LoadClient(connection: options.connection, inFlight: concurrency)
        let patients = plan.patients
        let first = plan.sustainedCursor
        guard plan.sustainedBooking(first, patients: patients) != nil else {
            throw SimFailure("the plan's uncontended bookings are used up (\(first) made); run `load setup` again for a fresh plan")
        }
        let counter = Atomic<Int>(0)
        let clock = ContinuousClock()
        let start = clock.now
        let measureFrom = start + .milliseconds(Int(warmup * 1000))
        let end = measureFrom + .milliseconds(Int(duration * 1000))
        let frozen = plan

        // Each worker keeps its own stats; they are merged once at the end, so recording never contends.
        let perWorker = await concurrently(concurrency, limit: concurrency) { _ -> (LoadStats, Int) in
            var stats = LoadStats()
            var exhausted = 0
            while clock.now < end {
                let n = first + counter.add(1, ordering: .relaxed).oldValue
                guard let booking = frozen.sustainedBooking(n, patients: patients) else {
                    exhausted = 1
                    break
                }
                let sent = clock.now
                let reply = await client.api("POST", "/api/v1/bookings", token: booking.token,
                                             body: .object(["memberId": .string(booking.member), "slotId": .string(booking.slot)]),
                                             headers: [("Idempotency-Key", "s-\(n)")])
                guard sent >= measureFrom, clock.now <= end else { continue }
                stats.record(reply.status == 201 ? "created" : reply.code, seconds: reply.seconds)
            }
            return (stats, exhausted)
        }
        let elapsed = max(min(LoadClient.seconds(since: start) - warmup, duration), 0.001)
        plan.sustainedCursor = first + counter.load(ordering: .relaxed)
        try plan.save(options.plan)

        var stats = LoadStats()
        perWorker.forEach { stats.merge($0.0) }
        let created = stats.outcomes["created"] ?? 0
        let rate = Double(created) / elapsed
        let ranOut = perWorker.contains { $0.1 > 0 }
        if options.json {
            print(JSONValue.object([
                "concurrency": .number(Double(concurrency)), "seconds": .number((elapsed * 100).rounded() / 100),
                "bookingsPerSecond": .number(rate.rounded()), "planExhausted": .bool(ranOut), "stats": stats.summary(),
            ]).json)
        } else {
            print("""
                sustained: \(concurrency) in flight for \(String(format: "%.1f", elapsed)) s (after \(warmup) s warm-up)
                bookings/s: \(String(format: "%.0f", rate))   (\(created) created)
                latency \(stats.latencyLine())
                outcomes: \(stats.outcomeLine())\(ranOut ? "\nthe plan's uncontended bookings ran out before the end" : "")
                """)
        }
        if stats.outcomes.keys.contains(where: { $0 != "created" }) { throw ExitCode.failure }
    }
}

/// `load requests`: the next uncontended bookings of the plan as a file for `wrk`
/// (assets/bench/booking.lua), one `token<TAB>idempotency key<TAB>body` line each. The plan's
/// cursor moves past them, so a later run never repeats them.
struct LoadRequestsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "requests",
        abstract: "Write the plan's next uncontended bookings as a request file for wrk.")

    @OptionGroup var options: LoadOptions
    @Option(help: "How many requests.") var count = 100_000
    @Option(help: "Output file.") var out = "booking-requests.tsv"

    func run() async throws {
        var plan = try LoadPlan.load(options.plan)
        let patients = plan.patients
        var lines: [String] = []
        lines.reserveCapacity(count)
        var n = plan.sustainedCursor
        while lines.count < count, let booking = plan.sustainedBooking(n, patients: patients) {
            let body = JSONValue.object(["memberId": .string(booking.member), "slotId": .string(booking.slot)]).json
            lines.append("\(booking.token)\tw-\(n)\t\(body)")
            n += 1
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: out, atomically: true, encoding: .utf8)
        plan.sustainedCursor = n
        try plan.save(options.plan)
        FileHandle.standardError.write(Data("wrote \(lines.count) requests to \(out)\(lines.count < count ? " (the plan ran out)" : "")\n".utf8))
    }
}
