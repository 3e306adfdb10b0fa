import TestSupport

/// Runs python3 on a thread of its own: blocking a cooperative-pool thread while the script
/// talks to the sandbox (whose handlers need that pool) can starve it on a 2-core machine.
enum PythonScript {
    static func run(_ arguments: [String]) async -> (status: Int32, output: String) {
        await ChildProcess.run("/usr/bin/env", ["python3"] + arguments)
    }
}
