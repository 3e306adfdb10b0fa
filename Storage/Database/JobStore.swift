import Foundation
import GRDB
import HuiminCore

/// Where a job is in its life: waiting for its `run_at`, leased by a worker, finished, or given up
/// on (dead letter, 死信) for an administrator to look at and requeue.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case queued, running, done, dead
}

/// A job a worker holds the lease on. `payload` is still sealed; `attempts` counts this one.
public struct LeasedJob: Sendable {
    public var id: String
    public var kind: String
    public var payload: Data
    public var attempts: Int
    public var maxAttempts: Int
    public var leasedUntil: Date
}

/// What administrators see of a job: never its payload.
public struct JobSummary: Sendable, Codable, Equatable {
    public var id: String
    public var kind: String
    public var state: JobState
    public var attempts: Int
    public var maxAttempts: Int
    public var runAt: Date
    public var lastError: String?
    public var createdAt: Date
    public var finishedAt: Date?
}

/// The durable job queue's table. Every method is one transaction; a lease is only honoured while
/// its owner still holds it, so two worker processes on one database never finish each other's jobs.
public final class JobStore: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    /// Queues a job inside the caller's transaction, so a state change and the job it causes commit
    /// together. With an `idempotencyKey` seen before, nothing is written and the existing job's ID
    /// is returned. `now` defaults to `runAt`, which is right for jobs due at once.
    @discardableResult
    public static func enqueue(_ db: GRDB.Database, kind: String, payload: Data, runAt: Date, maxAttempts: Int,
                               idempotencyKey: String?, now: Date? = nil) throws -> String {
        let id = TypedID.make("job")
        let createdAt = now ?? runAt
        try db.execute(sql: """
            INSERT INTO job (id, kind, payload, state, attempts, max_attempts, run_at, idempotency_key, created_at, updated_at)
            VALUES (?, ?, ?, 'queued', 0, ?, ?, ?, ?, ?)
            ON CONFLICT (idempotency_key) DO NOTHING
            """, arguments: [id, kind, payload, max(1, maxAttempts), runAt, idempotencyKey, createdAt, createdAt])
        if db.changesCount == 1 { return id }
        guard let idempotencyKey,
              let existing = try String.fetchOne(db, sql: "SELECT id FROM job WHERE idempotency_key = ?",
                                                 arguments: [idempotencyKey]) else {
            throw AppError.internalError
        }
        return existing
    }

    @discardableResult
    public func enqueue(kind: String, payload: Data, runAt: Date, maxAttempts: Int, idempotencyKey: String?,
                        now: Date) async throws -> String {
        try await database.pool.write { db in
            try Self.enqueue(db, kind: kind, payload: payload, runAt: runAt, maxAttempts: maxAttempts,
                             idempotencyKey: idempotencyKey, now: now)
        }
    }

    /// Leases the next job to run: first one whose worker's lease ran out (the worker crashed or
    /// hung), then the longest-due queued one. Marks it running for `owner` with one more attempt.
    /// A job whose lease ran out on its last allowed attempt is dead-lettered instead of rerun.
    public func lease(owner: String, now: Date, leaseSeconds: TimeInterval) async throws -> LeasedJob? {
        try await database.commits.write { db in
            let leasedUntil = now.addingTimeInterval(leaseSeconds)
            // A few tries, because each candidate may be taken by another process between the
            // SELECT and the guarded UPDATE, or be dead-lettered as exhausted.
            for _ in 0..<8 {
                guard let candidate = try Self.nextCandidate(db, now: now) else { return nil }
                let id: String = candidate["id"]
                let attempts: Int = candidate["attempts"]
                let maxAttempts: Int = candidate["max_attempts"]
                if attempts >= maxAttempts {
                    try Self.buryExhausted(db, id: id, now: now)
                    continue
                }
                try db.execute(sql: """
                    UPDATE job SET state = 'running', lease_owner = ?, leased_until = ?, attempts = attempts + 1,
                        updated_at = ?
                    WHERE id = ? AND ((state = 'queued' AND run_at <= ?) OR (state = 'running' AND leased_until <= ?))
                    """, arguments: [owner, leasedUntil, now, id, now, now])
                guard db.changesCount == 1 else { continue }
                return LeasedJob(id: id, kind: candidate["kind"], payload: candidate["payload"],
                                 attempts: attempts + 1, maxAttempts: maxAttempts, leasedUntil: leasedUntil)
            }
            return nil
        }
    }

    private static func nextCandidate(_ db: GRDB.Database, now: Date) throws -> Row? {
        let columns = "id, kind, payload, attempts, max_attempts"
        if let expired = try Row.fetchOne(db, sql: """
            SELECT \(columns) FROM job WHERE state = 'running' AND leased_until <= ? ORDER BY leased_until LIMIT 1
            """, arguments: [now]) {
            return expired
        }
        return try Row.fetchOne(db, sql: """
            SELECT \(columns) FROM job WHERE state = 'queued' AND run_at <= ? ORDER BY run_at, created_at LIMIT 1
            """, arguments: [now])
    }

    private static func buryExhausted(_ db: GRDB.Database, id: String, now: Date) throws {
        try db.execute(sql: """
            UPDATE job SET state = 'dead', last_error = 'lease_expired', lease_owner = NULL, leased_until = NULL,
                updated_at = ?, finished_at = ?
            WHERE id = ? AND state = 'running' AND leased_until <= ?
            """, arguments: [now, now, id, now])
    }

    /// Marks the job done. The payload is wiped: a delivered job no longer needs the personal data
    /// it carried. False when `owner` no longer holds the lease (it expired and another worker
    /// took the job); the other worker's run then decides the outcome.
    @discardableResult
    public func complete(id: String, owner: String, now: Date) async throws -> Bool {
        try await database.commits.write { db in
            try db.execute(sql: """
                UPDATE job SET state = 'done', payload = X'', lease_owner = NULL, leased_until = NULL,
                    updated_at = ?, finished_at = ?
                WHERE id = ? AND state = 'running' AND lease_owner = ?
                """, arguments: [now, now, id, owner])
            return db.changesCount == 1
        }
    }

    /// Records a failed attempt. With a `retryAt` and attempts left the job is queued again for
    /// then; otherwise it becomes a dead letter. `error` must be a safe reason, never personal
    /// data. Returns the job's new state, or nil when `owner` no longer holds the lease.
    @discardableResult
    public func fail(id: String, owner: String, error: String, retryAt: Date?, now: Date) async throws -> JobState? {
        try await database.commits.write { db in
            try db.execute(sql: """
                UPDATE job SET
                    state = CASE WHEN ? IS NULL OR attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
                    run_at = COALESCE(?, run_at),
                    finished_at = CASE WHEN ? IS NULL OR attempts >= max_attempts THEN ? ELSE NULL END,
                    last_error = ?, lease_owner = NULL, leased_until = NULL, updated_at = ?
                WHERE id = ? AND state = 'running' AND lease_owner = ?
                """, arguments: [retryAt, retryAt, retryAt, now, error, now, id, owner])
            guard db.changesCount == 1 else { return nil }
            return try String.fetchOne(db, sql: "SELECT state FROM job WHERE id = ?", arguments: [id])
                .flatMap(JobState.init(rawValue:))
        }
    }

    /// How many jobs are in each state (every state is present, zero when empty).
    public func counts() async throws -> [JobState: Int] {
        try await database.pool.read { db in
            var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM job GROUP BY state") {
                if let state = JobState(rawValue: row["state"]) { counts[state] = row["n"] }
            }
            return counts
        }
    }

    /// Dead letters, newest first.
    public func deadLetters(limit: Int) async throws -> [JobSummary] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job WHERE state = 'dead' ORDER BY finished_at DESC, id LIMIT ?",
                             arguments: [limit]).map(Self.summary)
        }
    }

    public func job(id: String) async throws -> JobSummary? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [id]).map(Self.summary)
        }
    }

    /// Gives a dead job a fresh set of attempts, due at once (an administrator fixed the cause).
    /// The last error stays for the record until the next attempt. False unless the job is dead.
    public func requeue(id: String, now: Date) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: """
                UPDATE job SET state = 'queued', attempts = 0, run_at = ?, finished_at = NULL, updated_at = ?
                WHERE id = ? AND state = 'dead'
                """, arguments: [now, now, id])
            return db.changesCount == 1
        }
    }

    private static func summary(_ row: Row) -> JobSummary {
        JobSummary(id: row["id"], kind: row["kind"], state: JobState(rawValue: row["state"]) ?? .dead,
                   attempts: row["attempts"], maxAttempts: row["max_attempts"], runAt: row["run_at"],
                   lastError: row["last_error"], createdAt: row["created_at"], finishedAt: row["finished_at"])
    }
}
