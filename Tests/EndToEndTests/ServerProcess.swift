import Foundation
import Testing
import Transport

/// A real `huimin serve` process on free loopback ports with its own data directory, as a tester
/// runs it. The binaries come from the package's debug build (`swift build --build-tests`).
final class ServerProcess: @unchecked Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var binDirectory: URL { packageRoot.appendingPathComponent(".build/debug") }

    let process = Process()
    let dataDirectory: URL
    let port: Int
    let sandboxPort: Int
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
        ]) { $1 }.merging(extraEnvironment) { $1 }
    }

    func start() async throws {
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process.executableURL = Self.binDirectory.appendingPathComponent("huimin")
        process.arguments = ["serve"]
        process.environment = environment
        let sink = try FileHandle(forWritingTo: output)
        process.standardOutput = sink
        process.standardError = sink
        try process.run()
        let transport = HTTPTransport(timeout: 1)
        for _ in 0..<150 {
            if let ready = try? await transport.send(OutboundRequest(method: "GET", url: serverURL + "/readyz")), ready.status == 200,
               let sandbox = try? await transport.send(OutboundRequest(method: "GET", url: sandboxURL + "/sandbox/health")),
               sandbox.status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ProcessFailure("server did not become ready:\n" + log())
    }

    /// Sends SIGTERM and waits: a clean shutdown exits 0.
    func stop() -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func log() -> String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }

    /// Runs another of the package's executables with this server's environment.
    func run(_ tool: String, _ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let child = Process()
        child.executableURL = Self.binDirectory.appendingPathComponent(tool)
        child.arguments = arguments
        child.environment = environment.merging(extra) { $1 }
        child.currentDirectoryURL = Self.packageRoot
        let pipe = Pipe()
        child.standardOutput = pipe
        child.standardError = pipe
        try child.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        return (child.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: dataDirectory)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0 else { throw ProcessFailure("no free port") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
