import Synchronization

/// Set by the awaiting task's cancellation handler, read by libcurl's progress callback on the
/// transfer thread.
final class CancellationFlag: Sendable {
    private let cancelled = Atomic<Bool>(false)

    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    func cancel() { cancelled.store(true, ordering: .relaxed) }
}
