import Foundation
import HuiminCore
import Synchronization
import Testing
import TestSupport

/// The sandbox answers however busy the process is, as a vendor answers however busy Huimin is:
/// its handlers run on threads of its own, not on Swift's cooperative pool.
@Suite struct SandboxThreadsTests {
    @Test func theSandboxAnswersWhileEveryCooperativeThreadIsBusy() async throws {
        try await SandboxHarness.run { sandbox in
            let url = sandbox.baseURL + "/sandbox/health"
            let width = ProcessInfo.processInfo.activeProcessorCount
            let spinning = DispatchSemaphore(value: 0)
            let done = DoneFlag()
            // The request comes from another process, sent from a plain thread: nothing on the
            // asking side needs the pool.
            let answer: (held: Bool, status: Int32, output: String) = await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    let held = (0..<width).allSatisfy { _ in spinning.wait(timeout: .now() + 60) == .success }
                    let (status, output) = ChildProcess.runBlocking("/usr/bin/env", ["python3", "-c", """
                        import sys, urllib.request
                        print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())
                        """, url])
                    done.value.store(true, ordering: .releasing)
                    continuation.resume(returning: (held, status, output))
                }
                // Busy, not blocked: libdispatch adds threads to a pool whose threads all sleep.
                for _ in 0..<width {
                    Task.detached {
                        spinning.signal()
                        while !done.value.load(ordering: .acquiring) {}
                    }
                }
            }
            #expect(answer.held, "the cooperative pool's threads were not all taken")
            #expect(answer.status == 0, "\(answer.output)")
            #expect(answer.output.contains(#""status":"ok""#), "\(answer.output)")
        }
    }
}

private final class DoneFlag: Sendable {
    let value = Atomic(false)
}
