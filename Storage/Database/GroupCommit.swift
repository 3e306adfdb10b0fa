import Foundation
import GRDB

/// Group commit for the rush-hour path. Durable commits cost an fsync each; when hundreds of
/// bookings arrive together, this runs every write that is waiting in one transaction, each in
/// its own savepoint (so one refusal rolls back only itself), and pays for one fsync. Callers see
/// exactly what a transaction of their own would give them: their result after it is durable, or
/// their own error with nothing of theirs written.
public actor GroupCommit {
    private let pool: DatabasePool
    private let maxBatch: Int
    private var pending: [Job] = []
    private var draining = false

    private struct Job {
        let work: @Sendable (GRDB.Database) throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
    }

    public init(pool: DatabasePool, maxBatch: Int = 256) {
        self.pool = pool
        self.maxBatch = maxBatch
    }

    public func write<T: Sendable>(_ work: @escaping @Sendable (GRDB.Database) throws -> T) async throws -> T {
        let result = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            pending.append(Job(work: work, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
        return result as! T
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            let outcomes: [Result<any Sendable, any Error>]
            do {
                outcomes = try await pool.write { db in
                    batch.map { job in
                        var outcome: Result<any Sendable, any Error> = .failure(CancellationError())
                        do {
                            try db.inSavepoint {
                                do {
                                    outcome = .success(try job.work(db))
                                    return .commit
                                } catch {
                                    outcome = .failure(error)
                                    return .rollback
                                }
                            }
                        } catch {
                            outcome = .failure(error)
                        }
                        return outcome
                    }
                }
            } catch {
                // The commit itself failed: nobody's write happened.
                outcomes = Array(repeating: .failure(error), count: batch.count)
            }
            for (job, outcome) in zip(batch, outcomes) {
                job.continuation.resume(with: outcome)
            }
        }
        draining = false
    }
}
