import Database
import Foundation
import HuiminCore
import Logging

/// Takes jobs off the queue one at a time: lease, run the kind's handler, then record done, a
/// retry after a backoff, or a dead letter. Several runners (threads or processes) may share one
/// database; the lease keeps them from running the same job at once.
public final class JobRunner: Sendable {
    let store: JobStore
    let crypto: any CryptoProfile
    let handlers: JobHandlerRegistry
    let clock: any HuiminClock
    let backoff: RetryBackoff
    let logger: Logger
    /// Identifies this runner's leases; unique per runner so a restarted process is a new owner.
    public let owner: String
    /// How long a job may run before another runner assumes this one died and takes it over.
    let leaseSeconds: TimeInterval
    let pollInterval: Duration

    public init(store: JobStore, crypto: any CryptoProfile, handlers: JobHandlerRegistry, clock: any HuiminClock,
                logger: Logger, backoff: RetryBackoff = RetryBackoff(), owner: String = TypedID.make("wkr"),
                leaseSeconds: TimeInterval = 300, pollInterval: Duration = .milliseconds(250)) {
        self.store = store
        self.crypto = crypto
        self.handlers = handlers
        self.clock = clock
        self.logger = logger
        self.backoff = backoff
        self.owner = owner
        self.leaseSeconds = leaseSeconds
        self.pollInterval = pollInterval
    }

    /// Runs jobs until the surrounding task is cancelled, sleeping `pollInterval` whenever the
    /// queue has nothing due. Cancellation stops the loop but not the job in flight: it finishes
    /// and its outcome is recorded, so a shutdown does not leave it to wait out its lease.
    public func run() async {
        logger.info("job runner started", metadata: ["worker": "\(owner)", "kinds": "\(handlers.kinds)"])
        while !Task.isCancelled {
            // An unstructured task does not inherit the loop's cancellation.
            let didWork = await Task { await self.runOnce() }.value
            if !didWork {
                try? await Task.sleep(for: pollInterval)
            }
        }
        logger.info("job runner stopped", metadata: ["worker": "\(owner)"])
    }

    /// Leases and runs at most one due job. Returns whether there was one.
    @discardableResult
    public func runOnce() async -> Bool {
        let job: LeasedJob
        do {
            guard let leased = try await store.lease(owner: owner, now: clock.now(), leaseSeconds: leaseSeconds) else {
                return false
            }
            job = leased
        } catch {
            logger.error("job lease failed", metadata: ["worker": "\(owner)", "error.type": "\(type(of: error))"])
            return false
        }
        var log = logger
        log[metadataKey: "job.id"] = "\(job.id)"
        log[metadataKey: "job.kind"] = "\(job.kind)"
        log[metadataKey: "job.attempt"] = "\(job.attempts)/\(job.maxAttempts)"
        log[metadataKey: "worker"] = "\(owner)"

        guard let run = handlers.run(for: job.kind) else {
            await record(.permanent("unknown_kind"), for: job, log: log)
            return true
        }
        log.info("job attempt started")
        do {
            try await run(job.payload, crypto)
        } catch {
            await record(JobFailure(classifying: error), for: job, log: log)
            return true
        }
        do {
            if try await store.complete(id: job.id, owner: owner, now: clock.now()) {
                log.info("job done")
            } else {
                log.warning("job done but its lease had passed to another worker")
            }
        } catch {
            // The lease will run out and the job run again; handlers are idempotent.
            log.error("job done but not recorded", metadata: ["error.type": "\(type(of: error))"])
        }
        return true
    }

    private func record(_ failure: JobFailure, for job: LeasedJob, log: Logger) async {
        let now = clock.now()
        let retryAt = failure.retryable && job.attempts < job.maxAttempts
            ? now.addingTimeInterval(backoff.delay(afterAttempt: job.attempts)) : nil
        do {
            let state = try await store.fail(id: job.id, owner: owner, error: failure.reason, retryAt: retryAt, now: now)
            switch state {
            case .queued?:
                log.warning("job attempt failed; will retry", metadata: [
                    "reason": "\(failure.reason)",
                    "retry.in": "\(Int((retryAt ?? now).timeIntervalSince(now).rounded()))s",
                ])
            case .dead?:
                log.error("job dead-lettered", metadata: ["reason": "\(failure.reason)"])
            default:
                log.warning("job attempt failed but its lease had passed to another worker",
                            metadata: ["reason": "\(failure.reason)"])
            }
        } catch {
            log.error("job failure not recorded", metadata: [
                "reason": "\(failure.reason)", "error.type": "\(type(of: error))",
            ])
        }
    }
}
