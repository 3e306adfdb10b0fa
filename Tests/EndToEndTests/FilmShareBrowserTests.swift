import Foundation
import TestSupport
import Testing

/// The film flow end to end: a made-up CT (`huimin demo-study`) goes in through the simulator's
/// PACS upload, `films.sim` reads the reports and the film and makes three shares, and the share
/// page opens in headless Chromium as a doctor's phone would (assets/tests/share-page-check.py):
/// the study with its images, the access code asked and accepted, the revoked share refused.
@Suite struct FilmShareBrowserTests {
    @Test func aSharedFilmOpensInABrowser() async throws {
        let server = try ServerProcess(extraEnvironment: ["HUIMIN_DISPATCHER": "off"])
        try await server.start()
        let key = try await server.run("huimin", ["admin", "hospital-add", "--code", "H0001", "--name", "市第一人民医院"])
        let issued = try JSONSerialization.jsonObject(with: Data(key.output.utf8)) as? [String: String] ?? [:]
        let password = "sim-\(UUID().uuidString)"
        let staff = try await server.run("huimin", ["admin", "staff-add", "--username", "pacs", "--role", "operator"],
                                         environment: ["HUIMIN_STAFF_PASSWORD": password])
        #expect(staff.status == 0, "\(staff.output)")
        let studyDirectory = server.dataDirectory.appendingPathComponent("demo-ct").path
        let study = try await server.run("huimin", ["demo-study", "--out", studyDirectory, "--patient-id", "11010519560501003X",
                                                    "--images", "20", "--size", "256"])
        #expect(study.status == 0, "\(study.output)")

        let sim = try await server.run("huimin-sim", [
            "run", "--server", server.serverURL, "--sandbox", server.sandboxURL,
            "--api-key", issued["apiKey"] ?? "", "--api-secret", issued["apiSecret"] ?? "",
            "--var", "staff_user=pacs", "--var", "staff_password=\(password)", "--var", "study_dir=\(studyDirectory)",
            "assets/sim/films.sim",
        ])
        #expect(sim.status == 0 && sim.output.contains(" 0 failed"), "transcript:\n\(sim.output)\nserver log:\n\(server.log().suffix(3000))")
        func link(_ label: String) throws -> String {
            let line = try #require(sim.output.split(separator: "\n").first { $0.contains("\(label) http") }, "\(label) in the transcript")
            // The path only: the server may have been restarted on another port than the link names.
            let path = try #require(line.range(of: "/s/").map { String(line[$0.lowerBound...]) })
            return server.serverURL + path.trimmingCharacters(in: .whitespaces)
        }

        let check = ServerProcess.packageRoot.appendingPathComponent("assets/tests/share-page-check.py").path
        let shots = server.dataDirectory.path
        for (name, arguments) in [
            ("plain", [try link("SHARE-LINK"), "--expect-text", "CT CHEST", "--expect-text", "右肺上叶小结节", "--min-thumbs", "2",
                       "--screenshot", "\(shots)/plain.png"]),
            ("desktop", [try link("SHARE-LINK"), "--width", "1280", "--height", "800", "--min-thumbs", "2",
                         "--screenshot", "\(shots)/desktop.png"]),
            ("code asked", [try link("SHARE-CODED"), "--expect-state", "code"]),
            ("wrong code", [try link("SHARE-CODED"), "--code", "0000", "--expect-state", "code", "--expect-error", "share_code_wrong"]),
            ("right code", [try link("SHARE-CODED"), "--code", "2468", "--min-thumbs", "2"]),
            ("revoked", [try link("SHARE-REVOKED"), "--expect-state", "error", "--expect-error", "share_revoked"]),
        ] {
            let result = await ChildProcess.run("/usr/bin/env", ["python3", check] + arguments)
            #expect(result.status == 0, "\(name): \(result.output)\n\(server.log().suffix(1500))")
        }
        #expect(server.stop() == 0)
    }
}
