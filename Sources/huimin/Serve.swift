import API
import ArgumentParser
import Foundation
import HuiminCore
import Hummingbird
import Logging
import Notices
import Sandbox
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the JSON API, the in-process workers and (unless HUIMIN_SANDBOX=off) the sandbox.")

    func run() async throws {
        let configuration = try ServerSetup.configuration()
        LogSetup.bootstrap(level: configuration.logLevel, format: configuration.logFormat)
        let logger = Logger(label: "huimin")
        var services: [any Service] = []
        if configuration.sandboxEnabled {
            services.append(SandboxCommand.application(configuration: configuration))
        }
        let huimin = try HuiminServices(configuration: configuration, logger: logger)
        try await Admin.TemplatesLoad.loadDefaults(huimin, file: Admin.TemplatesLoad.defaultFile, logger: logger)
        services.append(try buildApplication(services: huimin, logger: logger))
        logger.info("huimin starting", metadata: [
            "port": "\(configuration.port)", "data": "\(configuration.dataDirectory.path)",
            "crypto": "\(configuration.cryptoProfile)", "sandbox": "\(configuration.sandboxEnabled)",
        ])
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
    }
}
