import Dispatch

/// Runs blocking work (fsync, file reads and writes, image decoding) on threads of its own, so
/// it never holds one of the few threads Swift concurrency shares with request handling: on a
/// 2-core machine two fsyncs would otherwise stall every request in the process.
public enum BlockingWork {
    private static let queue = DispatchQueue(label: "huimin.blocking-work", qos: .userInitiated, attributes: .concurrent)

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
