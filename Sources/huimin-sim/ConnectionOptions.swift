import ArgumentParser
import Foundation

/// Where the server and sandbox are, and the hospital terminal's credentials. Each option falls
/// back to its `HUIMIN_SIM_*` environment variable, then to the local default.
struct ConnectionOptions: ParsableArguments {
    private static let environment = ProcessInfo.processInfo.environment

    @Option(help: "Huimin server base URL (HUIMIN_SIM_SERVER).")
    var server: String = environment["HUIMIN_SIM_SERVER"] ?? "http://127.0.0.1:8080"

    @Option(help: "Sandbox base URL (HUIMIN_SIM_SANDBOX).")
    var sandbox: String = environment["HUIMIN_SIM_SANDBOX"] ?? "http://127.0.0.1:8090"

    // No defaults shown for the terminal credentials: `--help` would print the secret.
    @Option(name: .customLong("api-key"), help: "Hospital terminal API key for card verification (HUIMIN_SIM_API_KEY).")
    var apiKey: String?

    @Option(name: .customLong("api-secret"), help: "Hospital terminal API secret (HUIMIN_SIM_API_SECRET).")
    var apiSecret: String?

    var terminalKey: String? { Self.nonEmpty(apiKey ?? Self.environment["HUIMIN_SIM_API_KEY"]) }
    var terminalSecret: String? { Self.nonEmpty(apiSecret ?? Self.environment["HUIMIN_SIM_API_SECRET"]) }

    private static func nonEmpty(_ text: String?) -> String? {
        text.flatMap { $0.isEmpty ? nil : $0 }
    }
}
