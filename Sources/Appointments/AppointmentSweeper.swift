import Foundation
import HuiminCore
import Logging

/// The appointments worker: makes expired locks' release permanent, marks no-shows and queues
/// the day-before reminders. Runs in
/// `huimin serve` and in `huimin worker`; both at once is safe because every change it makes is a
/// guarded UPDATE that a second process finds already done.
public struct AppointmentSweeper: Sendable {
    let bookings: BookingService
    let noShows: NoShowService
    let logger: Logger
    let interval: Duration

    public init(bookings: BookingService, noShows: NoShowService, logger: Logger, interval: Duration = .seconds(15)) {
        self.bookings = bookings
        self.noShows = noShows
        self.logger = logger
        self.interval = interval
    }

    public struct Pass: Sendable, Equatable {
        public var expiredLocks = 0
        public var noShows = 0
        public var blocks = 0
        public var reminders = 0
    }

    /// One sweep. Tests call this directly after moving the clock.
    public func pass() async throws -> Pass {
        var pass = Pass()
        // expireLocks works in batches of 500 (the store's default); keep going while they come back full.
        while true {
            let expired = try await bookings.expireLocks()
            pass.expiredLocks += expired
            if expired < 500 { break }
        }
        let swept = try await noShows.sweep()
        pass.noShows = swept.noShows
        pass.blocks = swept.blocks
        pass.reminders = try await bookings.queueReminders()
        if swept.skipped > 0 {
            logger.warning("no-show sweep skipped bookings whose policy could not be read", metadata: ["skipped": "\(swept.skipped)"])
        }
        return pass
    }

    /// Sweeps every `interval` until the task is cancelled (graceful shutdown). A failed pass is
    /// logged and retried on the next tick: the work is idempotent.
    ///
    /// The first pass waits one interval: nothing depends on it running at start-up (expired
    /// locks stop counting without it), and an app that lives only seconds (a test on a manual
    /// clock, which drives passes itself) is left alone.
    public func run() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return  // cancelled while waiting
            }
            do {
                let pass = try await pass()
                if pass != Pass() {
                    logger.info("appointment sweep", metadata: [
                        "expiredLocks": "\(pass.expiredLocks)", "noShows": "\(pass.noShows)", "blocks": "\(pass.blocks)", "reminders": "\(pass.reminders)",
                    ])
                }
            } catch {
                logger.error("appointment sweep failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
