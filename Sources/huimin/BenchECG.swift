import API
import ArgumentParser
import Database
import ECGArchive
import Foundation
import HuiminCore
import Imaging
import Logging

/// `huimin bench ecg [--count N] [--concurrency C]`: how long a 10-second 12-lead 500 Hz ECG takes
/// to draw at each resolution, and how many ECGs a second the store takes in and renders, in
/// this process against a fresh data directory (the same code `huimin serve` runs).
struct ECGBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ecg",
                                                    abstract: "Sheet rendering time and ECG ingest throughput with rendering.")

    @Option(help: "ECGs to ingest.") var count = 1000
    @Option(help: "Uploads in flight at once.") var concurrency = 8
    @Option(help: "Job runners drawing sheets (HUIMIN_JOB_RUNNERS; default: the cores).") var runners: Int?
    @Option(help: "A Huimin JSON ECG to start from (resampled to 500 Hz, 10 s).") var fixture = "assets/ecg/fixtures/sinus-75.json"

    func run() async throws {
        let source = try ECGReader.read([UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture))))
        let recording = Self.resampled(source, to: 500)
        print("huimin bench ecg: \(recording.leads.count) leads, \(Int(recording.samplingRate)) Hz, \(recording.duration) s; "
              + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
        let header = ECGSheetHeader(patient: "Patient P-***", recording: recording, heartRate: 75)
        for resolution in ECGSheet.Resolution.allCases {
            var times: [Double] = []
            for _ in 0..<(resolution == .print ? 60 : 100) {
                let started = ContinuousClock.now
                _ = try ECGSheet.jpeg(recording, header: header, resolution: resolution)
                times.append((ContinuousClock.now - started).milliseconds)
            }
            times.sort()
            print(String(format: "  render %-9@ %4dx%-4d median %6.2f ms  p90 %6.2f ms  p99 %6.2f ms", resolution.rawValue,
                         resolution.size.width, resolution.size.height, times[times.count / 2], times[times.count * 9 / 10],
                         times[min(times.count - 1, times.count * 99 / 100)]))
        }
        try await ingest(recording)
    }

    /// Takes `count` ECGs in through ECGIngest while the job runners draw their sheets, and reports
    /// the ingest rate and the time until every sheet exists.
    private func ingest(_ recording: ECGRecording) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("huimin-bench-ecg-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "huimin.bench")
        logger.logLevel = .error
        let services = try HuiminServices(configuration: Configuration(environment: [
            "HUIMIN_DATA": directory.path, "HUIMIN_SANDBOX": "off",
            "HUIMIN_JOB_RUNNERS": runners.map(String.init) ?? "",
        ]), logger: logger)
        _ = try await services.hospitals.issueKey(hospitalCode: "H0001", name: "Bench hospital")
        let issued = try await services.ecg.devices.register(deviceCode: "BENCH-CART", hospitalCode: "H0001", model: "bench",
                                                             actor: .system)
        let device = try await services.ecg.devices.uploader(apiKeyID: issued.apiKey)
        // The body around the patient ID, so making each upload's bytes costs the benchmark nothing.
        let parts = Self.json(recording).components(separatedBy: "BENCH-PATIENT")
        guard parts.count == 2 else { throw ValidationError("the generated ECG names its patient once") }
        let (prefix, suffix) = (Array(parts[0].utf8), Array(parts[1].utf8))
        let ingest = services.ecg.ingest
        let started = ContinuousClock.now
        let runners = Task {
            await withTaskGroup(of: Void.self) { group in
                for runner in services.jobRunners { group.addTask { await runner.run() } }
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func start() {
                let n = next
                next += 1
                // Each upload a different patient, so each is a new file.
                let bytes = prefix + Array(String(format: "BP%08d", n).utf8) + suffix
                group.addTask { _ = try await ingest.receive(bytes, device: device) }
            }
            for _ in 0..<min(concurrency, count) { start() }
            while try await group.next() != nil { if next < count { start() } }
        }
        let ingested = ContinuousClock.now - started
        while try await services.database.pool.read({ db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ecg_recording WHERE render_state = 'pending'") ?? 0
        }) > 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        let rendered = ContinuousClock.now - started
        runners.cancel()
        await runners.value
        print(String(format: "  ingest %d ECGs, %d in flight, %d job runners: %.2f s (%.0f ECGs/s); sheets drawn on arrival (thumbnail, screen) after %.2f s (%.0f ECGs/s)",
                     count, concurrency, services.jobRunners.count, ingested.seconds, Double(count) / ingested.seconds, rendered.seconds,
                     Double(count) / rendered.seconds))
    }

    static func resampled(_ recording: ECGRecording, to rate: Double) -> ECGRecording {
        let count = Int(rate * 10)
        let leads = recording.leads.map { lead in
            Lead(name: lead.name, samples: (0..<count).map { index in
                let position = Double(index) * recording.samplingRate / rate
                let low = min(Int(position), lead.samples.count - 1)
                let high = min(low + 1, lead.samples.count - 1)
                let fraction = position - Double(low)
                return Int32((Double(lead.samples[low]) * (1 - fraction) + Double(lead.samples[high]) * fraction).rounded())
            })
        }
        return ECGRecording(source: .json, leads: leads, samplingRate: rate, measurements: recording.measurements,
                            interpretation: recording.interpretation, acquisitionTime: recording.acquisitionTime,
                            deviceID: recording.deviceID, patient: ECGPatient(id: "BENCH-PATIENT"))
    }

    static func json(_ recording: ECGRecording) -> String {
        var leads: [String: [Int]] = [:]
        for lead in recording.leads { leads[lead.name] = lead.samples.map(Int.init) }
        let object: [String: Any] = [
            "format": "huimin-ecg/1", "recordedAt": "2026-12-01T09:30:00+08:00", "samplingRate": Int(recording.samplingRate),
            "units": "uV", "leads": leads, "patient": ["id": "BENCH-PATIENT"], "deviceId": "BENCH-CART",
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
}

extension Duration {
    var milliseconds: Double { seconds * 1000 }
}
