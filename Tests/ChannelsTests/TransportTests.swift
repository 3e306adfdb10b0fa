import Foundation
import HuiminCore
import Testing
import Transport

@Suite("HTTP transport over libcurl")
struct TransportTests {
    @Test("a closed port is channel_unreachable (502)")
    func closedPort() async throws {
        // Bind-and-release finds a port nobody listens on.
        let port = try unusedPort()
        let error = await appError { try await HTTPTransport(timeout: 2).send(OutboundRequest(method: "GET", url: "http://127.0.0.1:\(port)/")) }
        #expect(error?.code == "channel_unreachable")
        #expect(error?.status == 502)
    }

    @Test("a hanging vendor is channel_timeout (504) once the client's 1 s timeout runs out")
    func timeout() async throws {
        try await SandboxHarness.run(timeout: 1) { sandbox in
            try await sandbox.fault("his", kind: "timeout")
            let started = ContinuousClock.now
            let error = await appError {
                try await sandbox.transport.send(OutboundRequest(method: "POST", url: sandbox.baseURL + "/his/H0001/patient/query"))
            }
            let elapsed = ContinuousClock.now - started
            #expect(error?.code == "channel_timeout")
            #expect(error?.status == 504)
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(20))
        }
    }

    @Test("a per-request timeout overrides the transport's")
    func perRequestTimeout() async throws {
        try await SandboxHarness.run(timeout: 10) { sandbox in
            try await sandbox.fault("sms", kind: "timeout")
            let started = ContinuousClock.now
            let error = await appError {
                try await sandbox.transport.send(OutboundRequest(method: "GET", url: sandbox.baseURL + "/sms/", timeout: 0.5))
            }
            #expect(error?.code == "channel_timeout")
            // Well under the transport's 10 s; loose, as a loaded CI machine delays the wake-up.
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }

    @Test("responses carry status, lower-cased header names and the body; POST bodies arrive intact")
    func responseShape() async throws {
        try await SandboxHarness.run { sandbox in
            let health = try await sandbox.transport.send(OutboundRequest(method: "GET", url: sandbox.baseURL + "/sandbox/health"))
            #expect(health.status == 200)
            #expect(health.headers["content-type"]?.hasPrefix("application/json") == true)
            #expect(health.text == #"{"status":"ok"}"#)

            // A body above 1 KiB would make libcurl wait for `100 Continue` unless suppressed.
            let openID = "o6_bm" + String(repeating: "x", count: 2000)
            let issued = try await sandbox.transport.send(OutboundRequest(
                method: "POST", url: sandbox.baseURL + "/sandbox/wechat/codes",
                headers: [("Content-Type", "application/json")], body: Array("{\"openid\":\"\(openID)\"}".utf8)))
            struct Issued: Decodable { let openid: String }
            #expect(try issued.decode(Issued.self).openid == openID)

            let missing = try await sandbox.transport.send(OutboundRequest(method: "GET", url: sandbox.baseURL + "/nowhere"))
            #expect(missing.status == 404)
            let notJSON = await appError { try missing.decode(Issued.self) }
            #expect(notJSON?.code == "channel_bad_response")
        }
    }

    @Test("cancelling the calling task stops a hanging transfer promptly")
    func cancellation() async throws {
        try await SandboxHarness.run(timeout: 10) { sandbox in
            try await sandbox.fault("his", kind: "timeout")
            let started = ContinuousClock.now
            let task = Task {
                try await sandbox.transport.send(OutboundRequest(method: "POST", url: sandbox.baseURL + "/his/H0001/patient/query"))
            }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let result = await task.result
            #expect(throws: CancellationError.self) { try result.get() }
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }

    private func unusedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                guard bind(fd, $0, length) == 0, getsockname(fd, $0, &length) == 0 else {
                    throw AppError.internalError
                }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
