import Dispatch
import Foundation
import Synchronization

/// Threads on which transfers may block in `curl_easy_perform`. Not a GCD concurrent queue: on
/// Linux those run about one thread per core, so two hanging vendors would stall every other
/// outbound call. Threads start on demand, up to `maxThreads`, and then stay for reuse.
final class TransferThreads: Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var started = 0
        var busy = 0
    }

    private let maxThreads: Int
    private let state = Mutex(State())
    /// One signal per queued job; a worker waits on it, then takes a job.
    private let queued = DispatchSemaphore(value: 0)

    init(maxThreads: Int) {
        self.maxThreads = maxThreads
    }

    func run(_ job: @escaping @Sendable () -> Void) {
        let startThread = state.withLock { state in
            state.jobs.append(job)
            // Every queued job should find a thread that is not busy, while the cap allows.
            guard state.started - state.busy < state.jobs.count, state.started < maxThreads else { return false }
            state.started += 1
            return true
        }
        if startThread {
            let thread = Thread { [self] in work() }
            thread.name = "huimin.transport"
            thread.start()
        }
        queued.signal()
    }

    private func work() {
        while true {
            queued.wait()
            let job = state.withLock { state in
                state.busy += 1
                return state.jobs.removeFirst()
            }
            job()
            state.withLock { $0.busy -= 1 }
        }
    }
}
