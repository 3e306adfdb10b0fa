import Foundation
import HuiminCore
import Hummingbird
import Logging
import ServiceLifecycle

/// The fake outside world on loopback: WeChat login, the Alipay gateway, an SMS gateway and a
/// hospital HIS, each speaking its vendor's wire format and remembering what it received, plus
/// `/sandbox/...` control routes for codes, inspection and fault injection.
///
/// State lives in the server value, so every application made from one server shares it.
public struct SandboxServer: Sendable {
    let logger: Logger
    let wechat: FakeWeChat
    let wechatMessages: FakeWeChatMessages
    let alipay: FakeAlipay
    let sms: FakeSMS
    let his: FakeHIS
    let wechatPay: FakeWeChatPay
    let unionPay: FakeUnionPay
    let insurance: FakeInsurance
    let control: ControlRoutes

    /// - Throws: when the HIS fixture file exists but cannot be read, or the insurance keys cannot be made.
    public init(settings: SandboxSettings, clock: any HuiminClock = SystemClock(), logger: Logger) throws {
        let faults = FaultPlan()
        let patients = try HISPatientTable.load(from: settings.hisFixtures)
        if patients.isEmpty {
            logger.warning("sandbox HIS starts with no patients", metadata: [
                "fixtures": "\(settings.hisFixtures?.path ?? "none")",
            ])
        }
        self.logger = logger
        wechat = FakeWeChat(settings: settings, clock: clock, faults: faults, logger: logger)
        wechatMessages = FakeWeChatMessages(settings: settings, clock: clock, faults: faults, logger: logger)
        alipay = FakeAlipay(settings: settings, clock: clock, faults: faults, logger: logger)
        sms = FakeSMS(settings: settings, clock: clock, faults: faults, logger: logger)
        his = FakeHIS(settings: settings, faults: faults,
                      table: HISPatientTable(fixtures: patients), billing: HISBillingLedger(), clock: clock,
                      logger: logger)
        control = ControlRoutes(faults: faults)
        wechatPay = FakeWeChatPay(settings: settings, clock: clock, logger: logger)
        unionPay = FakeUnionPay(settings: settings, clock: clock, faults: faults, logger: logger)
        insurance = try FakeInsurance(settings: settings, clock: clock, faults: faults, logger: logger)
    }

    /// The sandbox as a Hummingbird application. `onRunning` receives the bound port, which is
    /// how a caller that asked for port 0 learns where it is.
    public func makeApplication(host: String = "127.0.0.1", port: Int,
                                onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        wechat.register(on: router)
        wechatMessages.register(on: router)
        alipay.register(on: router)
        sms.register(on: router)
        his.register(on: router)
        wechatPay.register(on: router)
        unionPay.register(on: router)
        insurance.register(on: router)
        control.register(on: router)
        return Application(router: router,
                           configuration: .init(address: .hostname(host, port: port), serverName: "huimin-sandbox"),
                           onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
                           logger: logger)
    }

    /// Runs the sandbox on an ephemeral loopback port, on its own threads, for the duration of
    /// `body`, then shuts it down gracefully.
    public func withRunning<T>(_ body: (_ port: Int) async throws -> T) async throws -> T {
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        let application = makeApplication(port: 0) { port in
            portSink.yield(port)
            portSink.finish()
        }
        let services = ServiceGroup(configuration: .init(services: [application], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask(executorPreference: SandboxThreads.shared) {
                defer { portSink.finish() }
                try await services.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                // The server ended before binding: surface its error.
                try await group.next()
                throw AppError("sandbox_not_started", status: 500, "The sandbox did not start.")
            }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(port))
            } catch {
                result = .failure(error)
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }
}
