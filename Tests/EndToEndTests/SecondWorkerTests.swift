import Foundation
import TestSupport
import Testing
import Transport

@Suite struct SecondWorkerTests {
    /// `huimin worker` beside `huimin serve` on one database: the two job runners share the queue
    /// through leases, so every verification SMS goes out exactly once.
    @Test func aSecondWorkerProcessSendsEachSMSOnce() async throws {
        let server = try ServerProcess()
        try await server.start()
        let worker = try ChildProcess.launch(ServerProcess.binDirectory.appendingPathComponent("huimin").path, ["worker"],
                                             environment: server.environment, output: .discard)
        defer { worker.terminate(); worker.wait() }

        let transport = HTTPTransport(timeout: 10)
        func json(_ method: String, _ url: String, _ body: String = "", token: String? = nil) async throws -> [String: Any] {
            var headers = [("Content-Type", "application/json")]
            if let token { headers.append(("Authorization", "Bearer \(token)")) }
            let response = try await transport.send(OutboundRequest(method: method, url: url, headers: headers, body: Array(body.utf8)))
            return (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
        }
        let phones = (0..<12).map { String(format: "1370000%04d", $0) }
        for phone in phones {
            let code = try #require(try await json("POST", server.sandboxURL + "/sandbox/wechat/codes", "{}")["code"] as? String)
            let token = try #require(try await json("POST", server.serverURL + "/api/v1/auth/wechat", #"{"code":"\#(code)"}"#)["token"] as? String)
            _ = try await json("POST", server.serverURL + "/api/v1/sms-codes", #"{"phone":"\#(phone)"}"#, token: token)
        }
        var counts: [Int] = []
        for _ in 0..<100 {
            counts = []
            for phone in phones {
                counts.append((try await json("GET", server.sandboxURL + "/sandbox/sms/messages?phone=\(phone)")["messages"] as? [Any])?.count ?? 0)
            }
            if counts.allSatisfy({ $0 > 0 }) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        // A little longer, so a duplicate send would have time to show.
        try await Task.sleep(for: .milliseconds(500))
        var final: [Int] = []
        for phone in phones {
            final.append((try await json("GET", server.sandboxURL + "/sandbox/sms/messages?phone=\(phone)")["messages"] as? [Any])?.count ?? 0)
        }
        #expect(final == Array(repeating: 1, count: phones.count))
        worker.terminate()
        #expect(worker.wait() == 0)
        #expect(server.stop() == 0)
    }
}
