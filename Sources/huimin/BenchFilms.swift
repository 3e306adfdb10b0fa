import API
import ArgumentParser
import Database
import Films
import Foundation
import HuiminCore
import Logging
import Records

/// `huimin bench films [--images 500] [--size 512]`: a resident's film of a made-up CT stored in
/// a fresh data directory: how long the study page (the JSON the mini-program and the share viewer
/// read) takes, and how long a frame rendered on request with a CT window takes, uncached. In this
/// process, through the same services `huimin serve` uses; HTTP and the session check come on top.
struct FilmBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "films",
                                                    abstract: "Study-page JSON and uncached rendered frames of a large CT film.")

    @Option(help: "Axial images in the study (a scout comes on top).") var images = 500
    @Option(help: "Rows and columns of each image.") var size = 512
    @Option(help: "Study pages to time.") var pages = 1000
    @Option(help: "Frames to render (each a different image, so none is cached).") var frames = 200

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("huimin-bench-films-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "huimin.bench")
        logger.logLevel = .error
        let services = try HuiminServices(configuration: Configuration(environment: ["HUIMIN_DATA": directory.path, "HUIMIN_SANDBOX": "off"]),
                                          logger: logger)
        _ = try await services.hospitals.issueKey(hospitalCode: "H0001", name: "Bench hospital")
        let idNumber = "11010519560501003X"
        let crypto = services.crypto
        _ = try await BenchSeeding.insert([BenchSeeding.Resident(
            openID: "obench-films", nameSealed: Data(try crypto.seal(Array("张三".utf8))), idNumberIndex: crypto.blindIndex("id:" + idNumber),
            idNumberSealed: Data(try crypto.seal(Array(idNumber.utf8))), phoneIndex: crypto.blindIndex("phone:13800138000"),
            phoneSealed: Data(try crypto.seal(Array("13800138000".utf8))))], appID: services.configuration.channels.wechatAppID,
            database: services.database, now: Date())
        let (person, member) = try await services.database.pool.read { db in
            (try String.fetchOne(db, sql: "SELECT id FROM person LIMIT 1") ?? "", try String.fetchOne(db, sql: "SELECT id FROM family_member LIMIT 1") ?? "")
        }

        let ct = SyntheticCT(studyUID: DemoStudy.newUID(), patientID: idNumber, patientName: "Zhang^San=张^三", images: images, size: size)
        print("huimin bench films: a CT of \(images) images \(size)x\(size) and a scout; \(ProcessInfo.processInfo.activeProcessorCount) cores")
        let runners = Task {
            await withTaskGroup(of: Void.self) { group in
                for runner in services.jobRunners { group.addTask { await runner.run() } }
            }
        }
        let started = ContinuousClock.now
        for file in try ct.files() {
            _ = try await services.imaging.ingest.receive(bytes: file.bytes, hospitalCode: "H0001", actor: .system)
        }
        while try await services.imaging.index.pendingRenders() > 0 { try await Task.sleep(for: .milliseconds(20)) }
        runners.cancel()
        await runners.value
        print(String(format: "  stored and rendered thumbnails and previews in %.1f s", (ContinuousClock.now - started).seconds))
        _ = try await services.reports.publish(hospitalCode: "H0001", reportNo: "BENCH-CT", try JSONDecoder().decode(ReportInput.self, from: Data("""
            {"kind":"exam","title":"胸部CT平扫","idNumber":"\(idNumber)","reportedAt":"2026-11-28T04:00:00Z","modality":"CT",
             "findings":"右肺上叶见一小结节。","impression":"右肺上叶小结节。","studyUid":"\(ct.studyUID)",
             "keyImages":["\(ct.axialSeriesUID).120","\(ct.axialSeriesUID).121"]}
            """.utf8)))

        let films = services.films
        let study = try await films.study(ct.studyUID, personID: person)
        let links = FilmLinks.resident(memberID: member, studyUID: ct.studyUID)
        let encoder = JSONEncoder()
        var bytes = 0
        var times: [Double] = []
        for _ in 0..<pages {
            let begun = ContinuousClock.now
            bytes = try encoder.encode(try await films.page(study, personID: person, links: links)).count
            times.append((ContinuousClock.now - begun).milliseconds)
        }
        Self.report("study page JSON (\(bytes / 1024) KiB)", times)

        var rendered: [Double] = []
        var kept: [Double] = []
        for number in 1...min(frames, images) {
            let sop = "\(ct.axialSeriesUID).\(number)"
            var begun = ContinuousClock.now
            _ = try await films.image(study, sopInstanceUID: sop, .init(size: "preview", frame: "1", preset: "lung"))
            rendered.append((ContinuousClock.now - begun).milliseconds)
            begun = ContinuousClock.now
            _ = try await films.image(study, sopInstanceUID: sop, .init(size: "preview", frame: nil, preset: nil))
            kept.append((ContinuousClock.now - begun).milliseconds)
        }
        Self.report("frame rendered, lung window, uncached", rendered)
        Self.report("preview kept since ingest", kept)
    }

    static func report(_ label: String, _ values: [Double]) {
        let sorted = values.sorted()
        func at(_ fraction: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))] }
        print(String(format: "  %-40@ n=%4d  median %6.2f ms  p90 %6.2f ms  p99 %6.2f ms", label, sorted.count, at(0.5), at(0.9), at(0.99)))
    }
}
