import Database
import Foundation
import Logging
import Synchronization

/// Buffers card usage records (用卡记录) and writes them in batches, so a terminal's verification
/// answer never waits on a database write. `run()` flushes twice a second until cancelled, then once more.
public final class CardUsageLog: Sendable {
    /// About a minute of scans at full load; older records go first if the database stays down.
    static let maxBuffered = 200_000
    private let buffer = Mutex<[CardStore.Usage]>([])
    private let cards: CardStore
    private let logger: Logger

    public init(cards: CardStore, logger: Logger) {
        self.cards = cards
        self.logger = logger
    }

    func record(_ usage: CardStore.Usage) {
        buffer.withLock { $0.append(usage) }
    }

    public func flush() async {
        let batch = buffer.withLock { pending -> [CardStore.Usage] in
            defer { pending.removeAll(keepingCapacity: true) }
            return pending
        }
        guard !batch.isEmpty else { return }
        do {
            try await cards.recordUsages(batch)
        } catch {
            logger.error("card usage batch not written; keeping it for the next flush", metadata: ["count": "\(batch.count)"])
            let dropped = buffer.withLock { pending -> Int in
                pending.insert(contentsOf: batch, at: 0)
                let excess = max(0, pending.count - Self.maxBuffered)
                pending.removeFirst(excess)
                return excess
            }
            if dropped > 0 {
                logger.critical("card usage records dropped: the database has refused writes too long", metadata: ["count": "\(dropped)"])
            }
        }
    }

    public func run() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            await flushIgnoringCancellation()
        }
        await flushIgnoringCancellation()
    }

    /// A database write refuses to start in a cancelled task, and shutdown cancels this loop;
    /// an unstructured task does not inherit the cancellation, so the last batch is still written.
    private func flushIgnoringCancellation() async {
        await Task { await self.flush() }.value
    }
}
