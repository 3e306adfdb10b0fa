import Foundation
import Testing
import Transport

@Suite struct GracefulShutdownTests {
    /// SIGTERM while a login is waiting on a slow WeChat: the resident still gets an answer
    /// (the channel's timeout, as a clean JSON error) before the process exits 0.
    @Test func inFlightRequestsFinishOnSIGTERM() async throws {
        let server = try ServerProcess(extraEnvironment: ["HUIMIN_CHANNEL_TIMEOUT": "2"])
        try await server.start()
        let transport = HTTPTransport(timeout: 20)
        let fault = try await transport.send(OutboundRequest(
            method: "POST", url: server.sandboxURL + "/sandbox/faults",
            headers: [("Content-Type", "application/json")], body: Array(#"{"service":"wechat","kind":"timeout"}"#.utf8)))
        #expect(fault.status == 200 || fault.status == 201)
        let codeBody = try await transport.send(OutboundRequest(
            method: "POST", url: server.sandboxURL + "/sandbox/wechat/codes",
            headers: [("Content-Type", "application/json")], body: Array("{}".utf8)))
        let code = try #require((try JSONSerialization.jsonObject(with: Data(codeBody.body)) as? [String: Any])?["code"] as? String)

        let url = server.serverURL
        let login = Task {
            try await transport.send(OutboundRequest(
                method: "POST", url: url + "/api/v1/auth/wechat",
                headers: [("Content-Type", "application/json")], body: Array(#"{"code":"\#(code)"}"#.utf8)))
        }
        try await Task.sleep(for: .milliseconds(700))
        let stopped = Task.detached { server.stop() }
        let answer = try await login.value
        #expect(answer.status == 504)
        #expect(answer.text.contains("channel_timeout"))
        #expect(await stopped.value == 0, "\(server.log().suffix(2000))")
    }
}
