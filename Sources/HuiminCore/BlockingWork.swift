import Dispatch
import Synchronization

/// Runs blocking work (fsync, file reads and writes, image decoding) on threads of its own, so
/// it never holds one of the few threads Swift concurrency shares with request handling: on a
/// 2-core machine two fsyncs would otherwise stall every request in the process.
///
/// Serial queues, because on Linux a concurrent queue runs on the same width-limited root queue
/// threads as Swift concurrency's jobs of its priority, while a serial queue gets a thread of its
/// own (an overcommit thread). Four of them, taken in turn, bound the blocking threads.
public enum BlockingWork {
    private static let queues = (0..<4).map { DispatchQueue(label: "huimin.blocking-work.\($0)") }
    private static let turn = Mutex(0)

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        let queue = queues[turn.withLock { value in
            value = (value + 1) % queues.count
            return value
        }]
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
