import Dispatch
import Foundation
import Synchronization

/// Threads of the sandbox's own: the task executor preferred by a server run through
/// `SandboxServer.withRunning` (the tests' in-process sandboxes) and by the sandbox's delayed
/// notifications and receipt pushes. The sandbox stands for vendors on the other side of the
/// internet: on Swift's cooperative pool, two threads on a 2-core machine, its answers would queue
/// behind whatever else the process is doing (a parallel test run's CPU-bound suites), and clients
/// would see a vendor time out that in life would have answered. `huimin serve`'s sandbox server
/// does not prefer it (see SandboxService).
///
/// Plain threads, not a dispatch queue: on Linux a concurrent queue shares the cooperative
/// pool's width-limited threads.
public final class SandboxThreads: TaskExecutor {
    /// One set per process: every sandbox and loopback server of a test run shares it.
    public static let shared = SandboxThreads(count: 2)

    private let jobs = Mutex<[UnownedJob]>([])
    /// One signal per queued job; a thread waits on it, then takes the oldest job.
    private let queued = DispatchSemaphore(value: 0)

    private init(count: Int) {
        for index in 0..<count {
            let thread = Thread { [self] in work() }
            thread.name = "huimin.sandbox.\(index)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
        queued.signal()
    }

    private func work() -> Never {
        while true {
            queued.wait()
            let job = jobs.withLock { $0.removeFirst() }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
