import API
import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Logging
import Sandbox
import Testing
import Transport

/// One isolated Huimin per test: a temporary data directory, a manual clock shared with the
/// sandbox (so advancing time expires SMS codes, login codes and QR codes alike), and the sandbox
/// on an ephemeral loopback port with every channel pointed at it.
struct TestHarness: Sendable {
    let services: HuiminServices
    let clock: ManualClock
    let sandboxURL: String
    let transport: HTTPTransport
    let logs: CapturedLogs
    /// How many sandbox messages per phone `smsCode(for:)` has already handed out.
    private let readMessages = SharedCounts()

    static func with<T: Sendable>(environment extra: [String: String] = [:],
                                  _ body: @Sendable (TestHarness) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("huimin-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = ManualClock(Date())
        let logs = CapturedLogs()
        let logger = logs.logger(label: "test")
        let keys = try sharedSandboxKeys.get()
        let insuranceKeys = try sharedInsuranceKeys.get()
        let sandbox = try SandboxServer(settings: try sharedSandboxSettings.get(), clock: clock, logger: logger)
        return try await sandbox.withRunning { port in
            // Generous timeout: tests run in parallel on two cores, and a timed-out SMS would wait for its retry.
            // Router tests have no socket for WeChat Pay to call back: tests take its notifications
            // from the sandbox and deliver them themselves (port 9 refuses at once).
            var environment = ["HUIMIN_DATA": directory.path, "HUIMIN_SANDBOX_PORT": "\(port)", "HUIMIN_CHANNEL_TIMEOUT": "15",
                               // Messaging tests turn the dispatcher on; elsewhere it would add sends to the sandbox.
                               "HUIMIN_DISPATCHER": "off",
                               // Tests run sweeper passes themselves: a background pass on its real-time
                               // timer would, once a test has moved the clock on, settle orders the test
                               // means to leave unpaid (a lost notification is a 长款 only until asked).
                               "HUIMIN_SWEEPERS": "off",
                               "HUIMIN_WECHATPAY_NOTIFY_URL": "http://127.0.0.1:9/notify/v1/wechatpay",
                               "HUIMIN_ALIPAY_NOTIFY_URL": "http://127.0.0.1:9/notify/v1/alipay",
                               "HUIMIN_UNIONPAY_BACK_URL": "http://127.0.0.1:9/notify/v1/unionpay"]
            environment.merge(extra) { $1 }
            var configuration = Configuration(environment: environment)
            configuration.channels.alipayAppPrivateKeyPath = keys.appPrivateKeyPath
            configuration.channels.alipayPublicKeyPath = keys.platformPublicKeyPath
            configuration.channels.unionPayMerchantKeyPath = keys.unionPay.merchantPrivateKeyPath
            configuration.channels.unionPayPublicKeyPath = keys.unionPay.platformPublicKeyPath
            configuration.channels.insurancePrivateKeyPath = insuranceKeys.hospitalPrivateKeyPath
            configuration.channels.insuranceCentrePublicKeyPath = insuranceKeys.centrePublicKeyPath
            configuration.channels.useSandboxWeChatPay(keyDirectory: URL(fileURLWithPath: keys.appPrivateKeyPath).deletingLastPathComponent())
            let services = try HuiminServices(configuration: configuration, clock: clock, logger: logger)
            let harness = TestHarness(services: services, clock: clock, sandboxURL: "http://127.0.0.1:\(port)",
                                      transport: HTTPTransport(timeout: 15), logs: logs)
            return try await body(harness)
        }
    }

    /// Runs `body` against the router (no socket), as the mini-program and terminals would call it.
    func test<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let app = try buildApplication(services: services, logger: logs.logger(label: "huimin"))
        return try await app.test(.router, body)
    }

    // MARK: The sandbox, as a tester reads it

    func sandboxJSON(_ method: String, _ path: String, body: String = "") async throws -> [String: Any] {
        let response = try await transport.send(OutboundRequest(
            method: method, url: sandboxURL + path, headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
        return (try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]) ?? [:]
    }

    func wechatCode(openid: String? = nil) async throws -> String {
        let body = openid.map { #"{"openid":"\#($0)"}"# } ?? "{}"
        return try await sandboxJSON("POST", "/sandbox/wechat/codes", body: body)["code"] as! String
    }

    /// Delivers queued SMS and returns the code of the next message the sandbox got for `phone`
    /// (one this harness has not returned before). The app's own runner may hold the job mid-send,
    /// so this keeps looking for a few seconds, running due jobs itself meanwhile.
    func smsCode(for phone: String) async throws -> String? {
        let seen = readMessages.withLock { $0[phone] ?? 0 }
        for _ in 0..<100 {
            while await services.jobRunners[0].runOnce() {}
            let messages = try await sandboxJSON("GET", "/sandbox/sms/messages?phone=\(phone)")["messages"] as? [[String: Any]] ?? []
            if messages.count > seen, let code = (messages.first?["params"] as? [String: String])?["code"] {
                readMessages.withLock { $0[phone] = messages.count }
                return code
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}

/// RSA key generation is slow on a busy machine; one set of sandbox Alipay keys serves every test.
private let sharedSandboxKeys = Result {
    try SandboxKeys.loadOrCreate(directory: FileManager.default.temporaryDirectory
        .appendingPathComponent("huimin-test-sandbox-keys-\(ProcessInfo.processInfo.processIdentifier)"))
}

/// The sandbox as `huimin serve` starts it: Huimin's default message templates registered with the
/// fake vendors, so that sending them is not refused as unknown.
private let sharedSandboxSettings = Result {
    try SandboxSettings(keys: try sharedSandboxKeys.get()).registering(templatesJSON: try Data(contentsOf:
        CatalogKit.root.appendingPathComponent("assets/messaging/templates.json")))
}

/// Made once, before any sandbox starts: its insurance centre reads the same files, and two
/// tests creating them at once would each keep a different key.
private let sharedInsuranceKeys = Result {
    try InsuranceSandboxKeys.loadOrCreate(directory: URL(fileURLWithPath: try sharedSandboxKeys.get().appPrivateKeyPath)
        .deletingLastPathComponent())
}

final class SharedCounts: Sendable {
    private let counts = Mutex<[String: Int]>([:])
    func withLock<T>(_ body: (inout [String: Int]) -> T) -> T { counts.withLock { body(&$0) } }
}

/// Captures every log line so a test can check that no personal data reached the logs.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    func logger(label: String) -> Logger {
        Logger(label: label) { label in Handler(label: label, sink: self) }
    }

    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }

    struct Handler: LogHandler {
        let label: String
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            sink.append("\(event.level) \(label): \(event.message) \(all.map { "\($0)=\($1)" }.sorted().joined(separator: " "))")
        }
    }
}

import Synchronization
