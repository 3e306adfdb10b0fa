import Foundation
import TestSupport
import Testing
import Transport

/// A real `huimin serve` process on free loopback ports with its own data directory, as a tester
/// runs it. The binaries come from the package's debug build (`swift build --build-tests`).
final class ServerProcess: @unchecked Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var binDirectory: URL { packageRoot.appendingPathComponent(".build/debug") }

    private(set) var process: ChildProcess?
    let dataDirectory: URL
    private(set) var port: Int
    private(set) var sandboxPort: Int
    let output: URL
    var environment: [String: String]

    var serverURL: String { "http://127.0.0.1:\(port)" }
    var sandboxURL: String { "http://127.0.0.1:\(sandboxPort)" }

    init(extraEnvironment: [String: String] = [:]) throws {
        dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("huimin-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        port = try Self.freePort()
        sandboxPort = try Self.freePort()
        output = dataDirectory.appendingPathComponent("server.log")
        environment = ProcessInfo.processInfo.environment.merging([
            "HUIMIN_DATA": dataDirectory.path, "HUIMIN_PORT": "\(port)", "HUIMIN_SANDBOX_PORT": "\(sandboxPort)",
            // Whatever the working directory: the server loads these templates and its sandbox accepts them.
            "HUIMIN_MESSAGE_TEMPLATES": Self.packageRoot.appendingPathComponent("assets/messaging/templates.json").path,
        ]) { $1 }.merging(extraEnvironment) { $1 }
    }

    /// Another test's process can take a port between choosing and binding it; the server then exits
    /// with "Address already in use", and it is started again on other ports.
    func start() async throws {
        for attempt in 1...3 {
            if try await launch() { return }
            guard attempt < 3, log().contains("Address already in use") else { break }
            port = try Self.freePort()
            sandboxPort = try Self.freePort()
            environment["HUIMIN_PORT"] = "\(port)"
            environment["HUIMIN_SANDBOX_PORT"] = "\(sandboxPort)"
        }
        throw ProcessFailure("server did not become ready:\n" + log())
    }

    private func launch() async throws -> Bool {
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = try ChildProcess.launch(Self.binDirectory.appendingPathComponent("huimin").path, ["serve"],
                                              environment: environment, output: .file(output.path))
        self.process = process
        let transport = HTTPTransport(timeout: 1)
        for _ in 0..<150 {
            if let ready = try? await transport.send(OutboundRequest(method: "GET", url: serverURL + "/readyz")), ready.status == 200,
               let sandbox = try? await transport.send(OutboundRequest(method: "GET", url: sandboxURL + "/sandbox/health")),
               sandbox.status == 200 {
                return true
            }
            if !process.isRunning { return false }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Sends SIGTERM and waits: a clean shutdown exits 0.
    func stop() -> Int32 {
        guard let process else { return -1 }
        process.terminate()
        return process.wait()
    }

    func log() -> String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Runs another of the package's executables with this server's environment, on a thread of
    /// its own: a script runs for a minute, and blocking a cooperative-pool thread that long (two
    /// on a 2-core machine, with several scripts at once) starves every other test of the run.
    func run(_ tool: String, _ arguments: [String], environment extra: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        await ChildProcess.run(Self.binDirectory.appendingPathComponent(tool).path, arguments,
                               environment: environment.merging(extra) { $1 }, directory: Self.packageRoot.path)
    }

    deinit {
        if let process, process.isRunning { process.terminate(); process.wait() }
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    /// A port below Linux's ephemeral range (32768–60999), so that no test's outgoing connection is
    /// given it as its local port before the server binds it.
    static func freePort() throws -> Int {
        for _ in 0..<50 {
            let candidate = Int.random(in: 20000..<32768)
            if canBind(candidate) { return candidate }
        }
        throw ProcessFailure("no free port")
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } } == 0
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
