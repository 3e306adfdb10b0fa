import Foundation
import TestSupport
import Testing
import Transport

/// The console in headless Chromium, as a cashier and an operator who have never seen it would use
/// it: `console-day.sim` makes a day of WeChat Pay takings with a lost notification and a clinic
/// with a booking; assets/tests/console-browser-check.py signs in, uploads the HIS file and the
/// channel's bill, runs the match, resolves every difference, closes the day, reads the audit
/// trail, and suspends the clinic and watches its notice go out.
@Suite struct ConsoleBrowserTests {
    @Test func aCashierClosesADayAndAnOperatorSuspendsAClinicInABrowser() async throws {
        let server = try ServerProcess(extraEnvironment: ["HUIMIN_QUIET_HOURS": "off", "HUIMIN_MESSAGE_RATE": "100/3600"])
        try await server.start()
        let key = try await server.run("huimin", ["admin", "hospital-add", "--code", "H0001", "--name", "市第一人民医院"])
        let issued = try JSONSerialization.jsonObject(with: Data(key.output.utf8)) as? [String: String] ?? [:]
        var passwords: [String: String] = [:]
        for (name, role) in [("simadmin", "admin"), ("cashier1", "cashier"), ("operator1", "operator")] {
            passwords[name] = "pw-\(UUID().uuidString)"
            let added = try await server.run("huimin", ["admin", "staff-add", "--username", name, "--role", role],
                                             environment: ["HUIMIN_STAFF_PASSWORD": passwords[name]!])
            #expect(added.status == 0, "\(added.output)")
        }
        try await BusinessDayStart.awayFromMidnight()
        let sim = try await server.run("huimin-sim", [
            "run", "--server", server.serverURL, "--sandbox", server.sandboxURL,
            "--api-key", issued["apiKey"] ?? "", "--api-secret", issued["apiSecret"] ?? "",
            "--var", "staff_user=simadmin", "--var", "staff_password=\(passwords["simadmin"]!)", "assets/sim/console-day.sim",
        ])
        #expect(sim.status == 0 && sim.output.contains(" 0 failed"), "\(sim.output)\n\(server.log().suffix(2000))")
        func value(_ label: String) throws -> String {
            let line = try #require(sim.output.split(separator: "\n").first { $0.contains("\(label) ") && !$0.contains("${") }, "\(label)")
            return String(try #require(line.split(separator: " ").last))
        }
        let (day, merchant, tradeA, session) = (try value("CONSOLE-TODAY"), try value("CONSOLE-MERCHANT"), try value("CONSOLE-TRADE-A"),
                                                try value("CONSOLE-SESSION"))

        let files = server.dataDirectory
        let template = try String(contentsOf: ServerProcess.packageRoot.appendingPathComponent("assets/sim/reconcile-his.csv"), encoding: .utf8)
        let his = files.appendingPathComponent("his.csv")
        try template.replacingOccurrences(of: "${tradeA}", with: tradeA).replacingOccurrences(of: "${today}", with: day)
            .write(to: his, atomically: true, encoding: .utf8)
        // The channel's bill of today, as the merchant platform would let a cashier download it.
        let bill = try await HTTPTransport(timeout: 20).send(OutboundRequest(method: "GET", url: "\(server.sandboxURL)/sandbox/wechatpay/bills/\(day)"))
        #expect(bill.status == 200)
        let channel = files.appendingPathComponent("channel.csv")
        try Data(bill.body).write(to: channel)

        let check = ServerProcess.packageRoot.appendingPathComponent("assets/tests/console-browser-check.py").path
        let result = await ChildProcess.run("/usr/bin/env", [
            "python3", check, "--server", server.serverURL, "--cashier", "cashier1", "--cashier-password", passwords["cashier1"]!,
            "--operator", "operator1", "--operator-password", passwords["operator1"]!, "--day", day, "--merchant", merchant,
            "--his-file", his.path, "--channel-file", channel.path, "--shots", files.appendingPathComponent("shots").path,
            "--session", session,
        ])
        #expect(result.status == 0, "\(result.output)\n\(server.log().suffix(2000))")
        #expect(server.stop() == 0)
    }
}
