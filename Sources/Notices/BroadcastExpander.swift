import Database
import Foundation
import HuiminCore
import Logging

/// Expands broadcasts into outbox rows, a batch of accounts per transaction. Runs in `huimin
/// serve` and `huimin worker`; both at once is safe, since each batch reads the cursor and moves
/// it in the one transaction that writes the rows. After a crash it goes on from the cursor.
public struct BroadcastExpander: Sendable {
    let store: BroadcastStore
    let clock: any HuiminClock
    let logger: Logger
    let batchSize: Int
    let interval: Duration

    public init(store: BroadcastStore, clock: any HuiminClock, logger: Logger, batchSize: Int = 1_000, interval: Duration = .seconds(1)) {
        self.store = store
        self.clock = clock
        self.logger = logger
        self.batchSize = batchSize
        self.interval = interval
    }

    /// Expands every broadcast in `expanding` to the end; returns how many outbox rows it wrote.
    /// Tests call this directly.
    public func pass() async throws -> Int {
        var written = 0
        for id in try await store.expanding() {
            var before = try await store.broadcast(id: id)?.recipients ?? 0
            while !Task.isCancelled {
                guard let after = try await store.expandBatch(id: id, batchSize: batchSize, now: clock.now()) else { break }
                written += after.recipients - before
                before = after.recipients
                if after.status != "expanding" {
                    logger.info("broadcast expanded", metadata: ["broadcast": "\(id)", "recipients": "\(after.recipients)"])
                    break
                }
            }
        }
        return written
    }

    /// Looks for work every `interval` until cancelled (graceful shutdown); a failed pass is
    /// logged and tried again on the next tick.
    public func run() async {
        while !Task.isCancelled {
            do {
                _ = try await pass()
            } catch {
                logger.error("broadcast expansion failed", metadata: ["error": "\(error)"])
            }
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }
}
