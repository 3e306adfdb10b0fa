import Dispatch
import Foundation
import Synchronization

/// Threads of the sandbox's own, on which its request handling runs (it is the task executor its
/// server's tasks prefer). The sandbox stands for vendors on the other side of the internet: on
/// Swift's cooperative pool, two threads on a 2-core machine, its answers would queue behind
/// whatever else the process is doing (a parallel test run's database migrations, a benchmark's
/// load), and clients would see a vendor time out that in life would have answered.
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
