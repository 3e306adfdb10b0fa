import ArgumentParser
import Foundation
import HuiminCore
import Hummingbird
import Logging
import Sandbox
import ServiceLifecycle

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run only the sandbox: fake WeChat, Alipay, SMS gateway and hospital HIS on loopback.")

    func run() async throws {
        let configuration = try ServerSetup.configuration()
        LogSetup.bootstrap(level: configuration.logLevel, format: configuration.logFormat)
        // Alone, the sandbox cannot know where the Huimin it serves listens: the environment says
        // (empty for no receipts), else it assumes one with the same configuration.
        let environment = ProcessInfo.processInfo.environment
        var receipts: String? = Self.huiminURL(configuration, "/notify/v1/sms-report")
        if let url = environment["HUIMIN_SMS_RECEIPT_URL"] { receipts = url.isEmpty ? nil : url }
        var events: String? = Self.huiminURL(configuration, "/notify/v1/wechat-events")
        if let url = environment["HUIMIN_WECHAT_EVENT_URL"] { events = url.isEmpty ? nil : url }
        let sandbox = SandboxServer.application(configuration: configuration, smsReceiptURL: receipts, wechatEventURL: events,
                                                logger: Logger(label: "huimin.sandbox"))
        let group = ServiceGroup(configuration: .init(services: [sandbox], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: Logger(label: "huimin.sandbox")))
        try await group.run()
    }

    /// The sandbox inside `huimin serve`: SMS receipts and WeChat's events go to that very Huimin.
    static func application(configuration: Configuration) -> any Service {
        SandboxServer.application(configuration: configuration,
                                  smsReceiptURL: huiminURL(configuration, "/notify/v1/sms-report"),
                                  wechatEventURL: huiminURL(configuration, "/notify/v1/wechat-events"),
                                  logger: Logger(label: "huimin.sandbox"))
    }

    /// `http://{HUIMIN_HOST}:{HUIMIN_PORT}{path}`, one of Huimin's receivers (SmsReport, WeChat's
    /// events). A wildcard listen address is reached through loopback.
    static func huiminURL(_ configuration: Configuration, _ path: String) -> String {
        var host = ["0.0.0.0", "::", "[::]", ""].contains(configuration.host) ? "127.0.0.1" : configuration.host
        if host.contains(":") && !host.hasPrefix("[") { host = "[\(host)]" }  // an IPv6 literal in a URL
        return "http://\(host):\(configuration.port)\(path)"
    }
}
