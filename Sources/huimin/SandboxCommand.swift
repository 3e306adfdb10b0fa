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
        let group = ServiceGroup(configuration: .init(services: [Self.application(configuration: configuration)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: Logger(label: "huimin.sandbox")))
        try await group.run()
    }

    static func application(configuration: Configuration) -> any Service {
        SandboxServer.application(configuration: configuration, logger: Logger(label: "huimin.sandbox"))
    }
}
