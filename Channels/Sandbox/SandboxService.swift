import Foundation
import HuiminCore
import Logging
import ServiceLifecycle

extension SandboxServer {
    /// The sandbox as a service of `huimin serve` / `huimin sandbox`, on loopback at
    /// `configuration.sandboxPort`. Keys are loaded (or created) when the service starts, so a
    /// failure surfaces through the service group like any other startup error.
    public static func application(configuration: Configuration, logger: Logger) -> any Service {
        ConfiguredSandbox(configuration: configuration, logger: logger)
    }
}

private struct ConfiguredSandbox: Service {
    let configuration: Configuration
    let logger: Logger

    func run() async throws {
        let keys = try SandboxKeys.loadOrCreate(directory: configuration.sandboxDirectory)
        let settings = SandboxSettings(keys: keys, channels: configuration.channels)
        let server = try SandboxServer(settings: settings, logger: logger)
        try await server.makeApplication(port: configuration.sandboxPort).run()
    }
}
