import Foundation
import HuiminCore
import Sandbox
import Testing
import Transport
import WeChat

@Suite("Sandbox keys and control routes")
struct SandboxControlTests {
    @Test("keys are generated once and reloaded unchanged; private halves are owner-only")
    func keysPersist() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("huimin-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try SandboxKeys.loadOrCreate(directory: directory)
        let second = try SandboxKeys.loadOrCreate(directory: directory)
        #expect(first.appPrivateKey.pem == second.appPrivateKey.pem)
        #expect(first.platformPrivateKey.pem == second.platformPrivateKey.pem)
        #expect(first.appPrivateKey.pem != first.platformPrivateKey.pem)
        #expect(try String(contentsOfFile: first.platformPublicKeyPath, encoding: .utf8) == first.platformPublicKey.pem)
        let attributes = try FileManager.default.attributesOfItem(atPath: first.appPrivateKeyPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    @Test("faults apply to the next N calls only, and DELETE clears them")
    func faultLifecycle() async throws {
        try await SandboxHarness.run { sandbox in
            let login = WeChatLogin(settings: sandbox.channels, transport: sandbox.transport)
            try await sandbox.fault("wechat", kind: "error", errorCode: "-1", times: 2)
            for _ in 0..<2 {
                #expect(await appError { try await login.login(code: "x") }?.code == "channel_busy")
            }
            #expect(await appError { try await login.login(code: "x") }?.code == "login_code_invalid")

            try await sandbox.fault("wechat", kind: "error", errorCode: "-1", times: 5)
            _ = try await sandbox.transport.send(OutboundRequest(method: "DELETE", url: sandbox.baseURL + "/sandbox/faults"))
            let code = try #require(try await sandbox.post("/sandbox/wechat/codes")["code"] as? String)
            #expect(try await login.login(code: code).openID.hasPrefix("o6_bm"))
        }
    }

    @Test("a malformed fault request is refused with 400 and arms nothing")
    func badFault() async throws {
        try await SandboxHarness.run { sandbox in
            let response = try await sandbox.transport.send(OutboundRequest(
                method: "POST", url: sandbox.baseURL + "/sandbox/faults", body: Array(#"{"service":"fax","kind":"error"}"#.utf8)))
            #expect(response.status == 400)
            #expect(try await sandbox.get("/sandbox/health")["status"] as? String == "ok")
        }
    }
}
