import Foundation
import Testing

/// The flows a tester runs, end to end: a real `huimin serve` process (sandbox on), a hospital key
/// made with `huimin admin`, and the simulator's scripts from `assets/sim/` run against it.
@Suite(.serialized) struct SimulatorScriptTests {
    @Test(arguments: ["register-and-verify.sim", "family.sim", "static-code.sim", "patient-cards.sim", "sandbox-faults.sim",
                      "book-and-cancel.sim", "check-in-and-queue.sim", "suspension.sim", "pay-and-refund.sim", "reconcile-day.sim",
                      "pay-bills.sim", "messages.sim", "ecg.sim", "notices-timed.sim"])
    func scriptPassesAgainstARealServer(script: String) async throws {
        try await BusinessDayStart.awayFromMidnight()
        // messages.sim, ecg.sim, notices-timed.sim and check-in-and-queue.sim watch the dispatcher at work, at any hour; the other scripts arm
        // sandbox faults that a notice sent meanwhile would take, so their server leaves messages queued.
        let dispatching = ["messages.sim", "ecg.sim", "notices-timed.sim", "check-in-and-queue.sim"].contains(script)
        let server = try ServerProcess(extraEnvironment: dispatching ? ["HUIMIN_QUIET_HOURS": "off", "HUIMIN_MESSAGE_RATE": "100/3600"]
                                                                     : ["HUIMIN_DISPATCHER": "off"])
        try await server.start()
        let key = try await server.run("huimin", ["admin", "hospital-add", "--code", "H0001", "--name", "市第一人民医院"])
        #expect(key.status == 0, "\(key.output)")
        let issued = try JSONSerialization.jsonObject(with: Data(key.output.utf8)) as? [String: String] ?? [:]
        // Appointment scripts check the outbox through the staff API.
        let password = "sim-\(UUID().uuidString)"
        let staff = try await server.run("huimin", ["admin", "staff-add", "--username", "simstaff", "--role", "admin"],
                                   environment: ["HUIMIN_STAFF_PASSWORD": password])
        #expect(staff.status == 0, "\(staff.output)")

        let sim = try await server.run("huimin-sim", [
            "run", "--server", server.serverURL, "--sandbox", server.sandboxURL,
            "--api-key", issued["apiKey"] ?? "", "--api-secret", issued["apiSecret"] ?? "",
            "--var", "staff_user=simstaff", "--var", "staff_password=\(password)",
            "assets/sim/\(script)",
        ])
        #expect(sim.status == 0, "transcript:\n\(sim.output)\nserver log:\n\(server.log().suffix(3000))")
        #expect(sim.output.contains(" 0 failed"), "\(sim.output.suffix(500))")

        // SIGTERM: the server finishes what it is doing and exits cleanly.
        #expect(server.stop() == 0, "\(server.log().suffix(2000))")
    }

    @Test func serverLogsCarryRequestIDsAndNoPersonalData() async throws {
        let server = try ServerProcess()
        try await server.start()
        let key = try await server.run("huimin", ["admin", "hospital-add", "--code", "H0001", "--name", "市第一人民医院"])
        let issued = try JSONSerialization.jsonObject(with: Data(key.output.utf8)) as? [String: String] ?? [:]
        let sim = try await server.run("huimin-sim", [
            "run", "--server", server.serverURL, "--sandbox", server.sandboxURL,
            "--api-key", issued["apiKey"] ?? "", "--api-secret", issued["apiSecret"] ?? "",
            "assets/sim/register-and-verify.sim",
        ])
        #expect(sim.status == 0)
        #expect(server.stop() == 0)
        let log = server.log()
        let requestLines = log.split(separator: "\n").filter { $0.contains("route=") }
        #expect(requestLines.count > 10)
        #expect(requestLines.allSatisfy { $0.contains("hb.request.id=") })
        // Whatever phones and ID numbers the script made up, none of them may be in the log.
        #expect(log.firstMatch(of: /(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)/) == nil)
        #expect(log.firstMatch(of: /(^|[^0-9])[1-9][0-9]{5}(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]([^0-9]|$)/) == nil)
    }
}
