import ArgumentParser
import Foundation
import Reconciliation
#if canImport(Glibc)
import Glibc
#endif

/// `huimin bench …`: performance checks, and the fixtures the benchmark scripts in assets/bench need.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks and their fixtures.",
        subcommands: [ReconcileBench.self, SeedResidentsBench.self, ECGBench.self, FilmBench.self])
}

/// `huimin bench reconcile --lines N [--seed S] [--channel wechat|alipay]`
///
/// Generates a day with N channel lines (and as many Huimin and HIS lines) with injected
/// differences, writes the channel bills and HIS files in their real formats to a temporary
/// directory, reads them back and parses them, reconciles, checks that exactly the injected
/// differences were found, and prints the time of each phase and the peak RSS.
struct ReconcileBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reconcile",
                                                    abstract: "Generate, parse and reconcile a day of N lines a side.")

    @Option(help: "Channel bill lines of the day (Huimin and HIS get as many).") var lines = 100_000
    @Option(help: "Generator seed.") var seed: UInt64 = 1
    @Option(help: "wechat, alipay or unionpay.") var channel = "wechat"
    @Option(help: "The business day.") var day = "2026-11-24"
    @Flag(help: "Keep the generated files and print their directory.") var keepFiles = false

    func run() throws {
        guard let channel = PaymentChannel(rawValue: channel), channel != .insurance else {
            throw ValidationError("--channel must be wechat, alipay or unionpay")
        }
        let clock = ContinuousClock()
        var phases: [(String, Duration)] = []
        func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let start = clock.now
            let value = try body()
            phases.append((name, clock.now - start))
            print("  " + name.padding(toLength: 9, withPad: " ", startingAt: 0) + String(format: "%8.2f s   RSS now %6.0f MB, peak so far %6.0f MB", seconds(phases.last!.1),
                                 currentRSSMB(), peakRSSMB()))
            return value
        }
        print("huimin bench reconcile: \(lines) channel lines, seed \(seed), \(channel.rawValue), day \(day), "
            + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("huimin-bench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if !keepFiles { try? FileManager.default.removeItem(at: dir) } }
        let ext = channel == .wechat ? "csv" : "zip"
        let names = ["channel-prev.\(ext)", "channel.\(ext)", "channel-next.\(ext)", "his-prev.csv", "his.csv", "his-next.csv"]

        // Generate, write the files, keep only Huimin's records and the expectations in memory.
        let (huimin, huiminNeighbours, expected, merchant, sizes) = try timed("generate") {
            let g = try Generator.day(seed: seed, lines: lines, day: day, channel: channel, alipayZipLevel: 1)
            let files = [g.channelBillPrevious, g.channelBill, g.channelBillNext, g.hisFilePrevious, g.hisFile, g.hisFileNext]
            var sizes: [Int] = []
            for (name, bytes) in zip(names, files) {
                try writeFile(bytes, dir.appendingPathComponent(name).path)
                sizes.append(bytes.count)
            }
            return (g.huimin, g.huiminNeighbours, g.expected, g.merchant, sizes)
        }
        // Parse each file straight from its bytes, one file in memory at a time.
        let parsed: [RecordBatch] = try timed("parse") {
            try names.enumerated().map { index, name in
                let bytes = try readFile(dir.appendingPathComponent(name).path)
                if index < 3 {
                    return try ParsedBill.channelBill(channel, bytes).records
                }
                return try HISSettlementFile.parse(bytes).records
            }
        }
        let result = timed("match") { () -> ReconciliationResult in
            var channelN = parsed[0]; channelN.append(contentsOf: parsed[2])
            var hisN = parsed[3]; hisN.append(contentsOf: parsed[5])
            return Reconciler.reconcile(ReconciliationInput(
                day: day, merchant: merchant, channel: channel, huimin: huimin, channelBill: parsed[1], his: parsed[4],
                neighbours: NeighbourLines(huimin: huiminNeighbours, channelBill: channelN, his: hisN)))
        }
        let found = result.differences.map {
            ExpectedDifference(kind: $0.kind, tradeNo: $0.tradeNo, refundNo: $0.refundNo, action: $0.proposedAction)
        }.sorted()
        let total = phases.reduce(Duration.zero) { $0 + $1.1 }
        let work = phases.dropFirst().reduce(Duration.zero) { $0 + $1.1 }
        let sideLines = huimin.count + parsed[1].count + parsed[4].count
        print("  lines: huimin \(huimin.count), channel \(parsed[1].count), his \(parsed[4].count) "
            + "(+ neighbours \(huiminNeighbours.count + parsed[0].count + parsed[2].count + parsed[3].count + parsed[5].count))")
        print(String(format: "  files: channel bill %.1f MB, HIS file %.1f MB (written to %@)",
                     Double(sizes[1]) / 1e6, Double(sizes[4]) / 1e6, dir.path))
        print(String(format: "  parse+match %.2f s = %.0f lines/s; total %.2f s; peak RSS %.0f MB",
                     seconds(work), Double(sideLines) / seconds(work), seconds(total), peakRSSMB()))
        print("  differences: \(result.differences.count) found, \(expected.count) injected, "
            + (found == expected ? "exactly the injected ones" : "MISMATCH"))
        print("  matched \(result.summary.matched), cross-day \(result.crossDayMatches.count), pending \(result.pending.count)")
        if found != expected { throw ExitCode(1) }
    }

    func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    func peakRSSMB() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    }

    func writeFile(_ bytes: [UInt8], _ path: String) throws {
        guard let f = fopen(path, "wb") else { throw ValidationError("cannot create \(path)") }
        defer { fclose(f) }
        guard bytes.withUnsafeBufferPointer({ fwrite($0.baseAddress, 1, $0.count, f) }) == bytes.count else {
            throw ValidationError("cannot write \(path)")
        }
    }

    /// Resident memory now (not the peak), from /proc/self/statm.
    func currentRSSMB() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Double(fields[1]) else { return 0 }
        return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
    }

    /// The file's bytes, read straight into one array.
    func readFile(_ path: String) throws -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw ValidationError("cannot open \(path)") }
        defer { fclose(f) }
        fseek(f, 0, SEEK_END)
        let size = ftell(f)
        fseek(f, 0, SEEK_SET)
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = fread(buffer.baseAddress, 1, size, f)
        }
    }
}
