import API
import ArgumentParser
import Database
import Foundation
import HuiminCore
import ImageArchive
import Logging
import Reconciliation

/// `huimin import DIR`: bulk-loads DICOM files (and zips of them) into the archive for a hospital,
/// several at a time, with a progress bar and a summary of what failed and why. Render jobs are
/// queued as for any ingest; a running `huimin serve` or `huimin worker` renders them, or
/// `--render` does it in this process.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bulk-load a directory of DICOM files (and .zip archives of them) into the imaging archive.")

    @Argument(help: "The directory (searched recursively) or a single file.") var path: String
    @Option(help: "The hospital whose files these are (its code).") var hospital: String
    @Option(help: "Files ingested at once (default: twice the cores).") var jobs: Int?
    @Flag(help: "Render thumbnails and previews in this process and wait for them.") var render = false

    func run() async throws {
        var logger = Logger(label: "huimin.import")
        logger.logLevel = .warning
        let services = try ServerSetup.services(logger: logger)
        guard try await services.imaging.index.hospitalExists(code: hospital) else {
            throw ValidationError("no hospital \(hospital): add it first (huimin admin hospital-add)")
        }
        let files = try Self.files(under: path)
        guard !files.isEmpty else { throw ValidationError("no files under \(path)") }
        let progress = ImportProgress(total: files.count)
        let started = ContinuousClock.now
        let actor = AuditActor(kind: "staff", id: "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "unknown"))
        let ingest = services.imaging.ingest
        let hospital = hospital
        let width = max(1, jobs ?? ProcessInfo.processInfo.activeProcessorCount * 2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = files.makeIterator()
            func startOne() -> Bool {
                guard let file = next.next() else { return false }
                group.addTask {
                    await progress.finished(file, try? Self.size(file), await Self.ingest(file, ingest: ingest, hospital: hospital, actor: actor))
                }
                return true
            }
            for _ in 0..<width where !startOne() { break }
            while try await group.next() != nil { _ = startOne() }
        }
        let ingestSeconds = (ContinuousClock.now - started).seconds
        await progress.summary(seconds: ingestSeconds)
        if render {
            let renderStarted = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for runner in services.jobRunners {
                    group.addTask { while await runner.runOnce() {} }
                }
                try await group.waitForAll()
            }
            let pending = try await services.imaging.index.pendingRenders()
            print(String(format: "rendered in %.2f s (%d still pending)", (ContinuousClock.now - renderStarted).seconds, pending))
        }
    }

    enum Outcome: Sendable {
        case received(InstanceReceipt)
        case failed(code: String, message: String)
    }

    /// One file, or every entry of a zip.
    static func ingest(_ file: String, ingest: DicomIngest, hospital: String, actor: AuditActor) async -> [Outcome] {
        do {
            if file.lowercased().hasSuffix(".zip") {
                let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
                var outcomes: [Outcome] = []
                for entry in try ZipArchive.entries(bytes) where !entry.name.hasSuffix("/") {
                    outcomes.append(await outcome {
                        try await ingest.receive(bytes: try ZipArchive.extract(entry, from: bytes), hospitalCode: hospital, actor: actor)
                    })
                }
                return outcomes
            }
            return [await outcome {
                try await ingest.receive(hospitalCode: hospital, actor: actor) { writer in
                    // Streamed: a 2 GB file is never held in memory.
                    guard let handle = FileHandle(forReadingAtPath: file) else {
                        throw AppError.invalid("file_unreadable", "The file cannot be opened.")
                    }
                    defer { try? handle.close() }
                    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                        try chunk.withUnsafeBytes { try writer.append($0) }
                    }
                }
            }]
        } catch {
            return [.failed(code: (error as? AppError)?.code ?? "archive_unreadable", message: "\(error)")]
        }
    }

    static func outcome(_ body: () async throws -> DicomIngest.Received) async -> Outcome {
        do {
            return .received(try await body().receipt)
        } catch let error as AppError {
            return .failed(code: error.code, message: error.message)
        } catch {
            return .failed(code: "internal_error", message: "\(error)")
        }
    }

    static func files(under path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("\(path) does not exist")
        }
        guard isDirectory.boolValue else { return [path] }
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let relative = enumerator?.nextObject() as? String {
            let full = (path as NSString).appendingPathComponent(relative)
            var directory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &directory), !directory.boolValue {
                files.append(full)
            }
        }
        return files.sorted()
    }

    static func size(_ file: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
    }
}

/// Counts, bytes and failures as the import goes, drawn as a progress bar.
actor ImportProgress {
    let total: Int
    private var done = 0
    private var bytes = 0
    private var receipts: [InstanceReceipt: Int] = [:]
    private var failures: [String: [String]] = [:]
    private let started = ContinuousClock.now
    private let terminal = isatty(STDERR_FILENO) == 1
    private var lastDrawn = ContinuousClock.now

    init(total: Int) {
        self.total = total
    }

    func finished(_ file: String, _ size: Int?, _ outcomes: [Import.Outcome]) {
        done += 1
        bytes += size ?? 0
        for outcome in outcomes {
            switch outcome {
            case .received(let receipt): receipts[receipt, default: 0] += 1
            case .failed(let code, let message): failures[code, default: []].append("\(file): \(message)")
            }
        }
        let now = ContinuousClock.now
        guard done == total || now - lastDrawn > .milliseconds(terminal ? 100 : 5000) else { return }
        lastDrawn = now
        let fraction = Double(done) / Double(total)
        let seconds = max(0.001, (now - started).seconds)
        let line = String(format: "importing [%@] %3.0f%% %d/%d files, %.1f files/s, %.1f MB/s",
                          String(repeating: "#", count: Int(fraction * 30)) + String(repeating: ".", count: 30 - Int(fraction * 30)),
                          fraction * 100, done, total, Double(done) / seconds, Double(bytes) / 1_048_576 / seconds)
        FileHandle.standardError.write(Data((terminal ? "\r" + line : line + "\n").utf8))
    }

    func summary(seconds: Double) {
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        print(String(format: "%d files, %.1f MB in %.2f s: %.1f files/s, %.1f MB/s", done, Double(bytes) / 1_048_576, seconds,
                     Double(done) / max(seconds, 0.001), Double(bytes) / 1_048_576 / max(seconds, 0.001)))
        print("stored \(receipts[.stored] ?? 0), new versions \(receipts[.newVersion] ?? 0), duplicates \(receipts[.duplicate] ?? 0), "
              + "failed \(failures.values.map(\.count).reduce(0, +))")
        for (code, files) in failures.sorted(by: { $0.value.count > $1.value.count }) {
            print("  \(code): \(files.count)")
            for file in files.prefix(5) { print("    \(file)") }
            if files.count > 5 { print("    … and \(files.count - 5) more") }
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
