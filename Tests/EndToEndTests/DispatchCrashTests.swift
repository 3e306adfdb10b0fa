import Foundation
import TestSupport
import Testing

/// The dispatcher killed with SIGKILL mid-broadcast, for real: assets/bench/broadcast-crash.sh with
/// the test build and a few thousand residents (the benchmark runs it with 100,000 in release).
/// The sandbox runs as its own process and counts what reached it; after the restart every
/// recipient must have exactly one message.
@Suite struct DispatchCrashTests {
    @Test func aBroadcastWhoseServerIsKilledMidDispatchReachesEveryoneExactlyOnce() async throws {
        let result = await ChildProcess.run("/bin/bash", ["assets/bench/broadcast-crash.sh", "3000"], environment: ProcessInfo.processInfo.environment.merging([
            "HUIMIN_BENCH_BIN": ServerProcess.binDirectory.path,
            "HUIMIN_BENCH_PORT": "\(try ServerProcess.freePort())", "HUIMIN_BENCH_SANDBOX_PORT": "\(try ServerProcess.freePort())",
        ]) { $1 }, directory: ServerProcess.packageRoot.path)
        #expect(result.status == 0, "\(result.output.suffix(3000))")
        #expect(result.output.contains("killed the server (kill -9)"), "\(result.output.suffix(2000))")
        #expect(result.output.contains("PASS: 3000 recipients, each got exactly one message"), "\(result.output.suffix(2000))")
    }
}
