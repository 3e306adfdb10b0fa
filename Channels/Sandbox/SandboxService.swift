import Foundation
import HuiminCore
import Logging
import ServiceLifecycle

extension SandboxServer {
    /// The sandbox as a service of `huimin serve` / `huimin sandbox`, on loopback at
    /// `configuration.sandboxPort`, with Huimin's default message templates registered (from
    /// `templates`, when that file exists) and SMS delivery receipts pushed to `smsReceiptURL`.
    /// Keys are loaded (or created) when the service starts, so a failure surfaces through the
    /// service group like any other startup error.
    public static func application(configuration: Configuration, smsReceiptURL: String?,
                                   templates: URL = SandboxSettings.defaultMessageTemplates,
                                   logger: Logger) -> any Service {
        ConfiguredSandbox(configuration: configuration, smsReceiptURL: smsReceiptURL, templates: templates,
                          logger: logger)
    }
}

private struct ConfiguredSandbox: Service {
    let configuration: Configuration
    let smsReceiptURL: String?
    let templates: URL
    let logger: Logger

    func run() async throws {
        let keys = try SandboxKeys.loadOrCreate(directory: configuration.sandboxDirectory)
        var settings = try SandboxSettings(keys: keys, channels: configuration.channels)
            .registering(templatesFile: templates)
        if !FileManager.default.fileExists(atPath: templates.path) {
            logger.warning("sandbox knows only its own templates", metadata: ["missing": "\(templates.path)"])
        }
        settings.messaging.smsReceiptURL = smsReceiptURL
        let server = try SandboxServer(settings: settings, logger: logger)
        try await server.makeApplication(port: configuration.sandboxPort).run()
    }
}
