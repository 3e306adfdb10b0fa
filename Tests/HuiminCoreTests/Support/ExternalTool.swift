import Foundation
import TestSupport
import Testing

/// Runs the independent implementations the crypto tests check against (python3 + gmssl, the
/// openssl CLI). Located through /usr/bin/env so CI's PATH decides which python3 is used.
enum ExternalTool {
    struct Result {
        let status: Int32
        let stdout: String
    }

    static func run(_ arguments: [String], stdin: Data = Data()) async -> Result {
        let result = await ChildProcess.run("/usr/bin/env", arguments, stdin: Array(stdin), output: .pipeStdout)
        return Result(status: result.status, stdout: result.output)
    }

    // Trait conditions are synchronous: these two block, once each.
    static let gmsslAvailable = ChildProcess.runBlocking("/usr/bin/env", ["python3", "-c", "import gmssl"], output: .discard).status == 0
    static let opensslAvailable = ChildProcess.runBlocking("/usr/bin/env", ["openssl", "version"], output: .discard).status == 0

    static let gmsslMissing: Comment = "python3 with the PyPI package gmssl is needed (pip install gmssl)"
    static let opensslMissing: Comment = "the openssl command-line tool is needed"

    /// Sends one JSON request to the gmssl script and returns its JSON answer.
    static func gmssl(_ request: [String: Any]) async throws -> Any {
        let body = try JSONSerialization.data(withJSONObject: request)
        let result = await run(["python3", "-c", GmsslScript.source], stdin: body)
        guard result.status == 0 else { throw ToolFailure(tool: "python3 gmssl", status: result.status) }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: .fragmentsAllowed)
    }

    struct ToolFailure: Error {
        let tool: String
        let status: Int32
    }
}

/// A scratch directory removed when the test ends.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("huimin-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
