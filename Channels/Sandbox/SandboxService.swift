import Foundation
import HuiminCore
import Logging
import ServiceLifecycle

extension SandboxServer {
    /// The sandbox as a service of `huimin serve` / `huimin sandbox`, on loopback at
    /// `configuration.sandboxPort`, with Huimin's default message templates registered (from
    /// `templates`, when that file exists), SMS delivery receipts pushed to `smsReceiptURL` and WeChat's
    /// template delivery events to `wechatEventURL`.
    /// Keys are loaded (or created) when the service starts, so a failure surfaces through the
    /// service group like any other startup error.
    public static func application(configuration: Configuration, smsReceiptURL: String?, wechatEventURL: String? = nil,
                                   templates: URL = SandboxSettings.defaultMessageTemplates,
                                   logger: Logger) -> any Service {
        ConfiguredSandbox(configuration: configuration, smsReceiptURL: smsReceiptURL, wechatEventURL: wechatEventURL,
                          templates: templates, logger: logger)
    }
}

private struct ConfiguredSandbox: Service {
    let configuration: Configuration
    let smsReceiptURL: String?
    let wechatEventURL: String?
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
        settings.messaging.wechatEventURL = wechatEventURL
        settings.messaging.wechatEventToken = configuration.messaging.wechatEventToken
        let server = try SandboxServer(settings: settings, logger: logger)
        // Not on SandboxThreads: under a task executor preference, `huimin serve` once hung at
        // SIGTERM (the service group's cancellation and a job on those threads each waited on a
        // lock the other held, inside the Swift runtime).
        try await server.makeApplication(port: configuration.sandboxPort).run()
    }
}
