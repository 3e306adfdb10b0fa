import Foundation
import HuiminCore
import Logging
import Sandbox
import SMS
import Transport

/// A sandbox on an ephemeral loopback port with a manual clock, and a real libcurl transport
/// pointed at it.
struct SandboxHarness: Sendable {
    let port: Int
    let clock: ManualClock
    let settings: SandboxSettings
    let transport: HTTPTransport

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// The default channel settings (what `huimin serve` uses), re-pointed at this sandbox.
    var channels: Configuration.ChannelSettings {
        var channels = Configuration(environment: [:]).channels
        channels.wechatBaseURL = baseURL
        channels.alipayGatewayURL = baseURL + "/gateway.do"
        channels.smsBaseURL = baseURL + "/sms"
        channels.hisBaseURL = baseURL + "/his"
        channels.alipayAppPrivateKeyPath = settings.keys.appPrivateKeyPath
        channels.alipayPublicKeyPath = settings.keys.platformPublicKeyPath
        channels.unionPayBaseURL = baseURL
        channels.unionPayMerchantKeyPath = settings.keys.unionPay.merchantPrivateKeyPath
        channels.unionPayPublicKeyPath = settings.keys.unionPay.platformPublicKeyPath
        return channels
    }

    /// Generating RSA keys is slow, so the test process makes one set and every sandbox shares it.
    static let keys: SandboxKeys = {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("huimin-channels-tests-\(UUID().uuidString)", isDirectory: true)
        return try! SandboxKeys.loadOrCreate(directory: directory)
    }()

    static let control = HTTPTransport(timeout: 15)

    static let hisFixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("assets/sandbox/his-patients.json")

    static let templates = hisFixtures.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("messaging/templates.json")

    static func run(timeout: Double = 15, configure: (inout SandboxSettings) -> Void = { _ in },
                    _ body: (SandboxHarness) async throws -> Void) async throws {
        // Huimin's default message templates are registered, as `huimin serve` does.
        var settings = try SandboxSettings(keys: keys, hisFixtures: hisFixtures)
            .registering(templatesJSON: try Data(contentsOf: templates))
        // Well past any test's client timeout (and the bounds tests put on it), so "gave up at the
        // timeout" cannot be confused with "the hang ended", even on a machine loaded enough to delay
        // a timeout by seconds; hangs end early anyway when the sandbox shuts down.
        settings.faultHangSeconds = 30
        configure(&settings)
        let clock = ManualClock()
        var logger = Logger(label: "sandbox-test")
        logger.logLevel = .warning
        let server = try SandboxServer(settings: settings, clock: clock, logger: logger)
        try await server.withRunning { port in
            try await body(SandboxHarness(port: port, clock: clock, settings: settings,
                                          transport: HTTPTransport(timeout: timeout)))
        }
    }

    /// POSTs JSON to a sandbox control route and returns the decoded JSON object.
    @discardableResult
    func post(_ path: String, _ json: String = "{}") async throws -> [String: Any] {
        try await call(OutboundRequest(method: "POST", url: baseURL + path, headers: [("Content-Type", "application/json")],
                                       body: Array(json.utf8)))
    }

    func get(_ path: String) async throws -> [String: Any] {
        try await call(OutboundRequest(method: "GET", url: baseURL + path))
    }

    /// Control calls get their own roomy timeout: on a loaded machine they must not trip over
    /// the short timeout a test gives the transport under test.
    private func call(_ request: OutboundRequest) async throws -> [String: Any] {
        let response = try await Self.control.send(request)
        guard !response.body.isEmpty else { return [:] }
        return try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
    }

    func fault(_ service: String, kind: String, errorCode: String? = nil, times: Int = 1) async throws {
        let code = errorCode.map { ", \"errorCode\": \"\($0)\"" } ?? ""
        try await post("/sandbox/faults", "{\"service\": \"\(service)\", \"kind\": \"\(kind)\", \"times\": \(times)\(code)}")
    }
}

/// Runs `body` and returns the error of type `E` it threw (nil if it threw none or another kind).
func thrown<E: Error>(_ type: E.Type, by body: () async throws -> some Any) async -> E? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? E
    }
}

/// Runs `body` and returns the AppError it threw (nil if it threw none or another kind).
func appError(_ body: () async throws -> some Any) async -> AppError? {
    await thrown(AppError.self, by: body)
}

/// Runs an SMS send (or query) and returns the SMSSendError it threw (nil if none or another kind).
func smsSendError(_ body: () async throws -> some Any) async -> SMSSendError? {
    await thrown(SMSSendError.self, by: body)
}
