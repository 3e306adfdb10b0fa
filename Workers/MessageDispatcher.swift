import Database
import Foundation
import HuiminCore
import Logging
import Notices
import Synchronization

/// Delivers the notification outbox: takes outbox rows in as messages, then in several lanes
/// claims due messages in batches, sends each through the channel its plan says, and records the
/// outcomes. Every claim writes its attempts before any vendor is called and every outcome after,
/// so a process killed at any moment leaves messages the next claim finishes without sending
/// twice. Several dispatchers (serve and worker processes) may share one database: claims lease.
public final class MessageDispatcher: Sendable {
    let store: DispatchStore
    let templates: TemplateStore
    public let senders: MessageSenders
    let crypto: any CryptoProfile
    let settings: MessagingSettings
    let clock: any HuiminClock
    let logger: Logger
    private let book = Mutex<(book: TemplateBook, loaded: ContinuousClock.Instant)?>(nil)
    /// How long a loaded template book serves before it is read again.
    static let bookLifetime: Duration = .seconds(3)

    public init(store: DispatchStore, templates: TemplateStore, senders: MessageSenders, crypto: any CryptoProfile,
                settings: MessagingSettings, clock: any HuiminClock, logger: Logger) {
        self.store = store
        self.templates = templates
        self.senders = senders
        self.crypto = crypto
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    /// Runs until cancelled: one loop taking the outbox in, `settings.lanes` loops sending.
    public func run() async {
        logger.info("message dispatcher started", metadata: ["lanes": "\(settings.lanes)", "batch": "\(settings.batchSize)"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.loop { try await self.store.intake(now: self.clock.now(), limit: 1000) >= 1000 } }
            for _ in 0..<settings.lanes {
                group.addTask { await self.loop { try await self.sendBatch() > 0 } }
            }
        }
        logger.info("message dispatcher stopped")
    }

    private func loop(_ body: @Sendable () async throws -> Bool) async {
        while !Task.isCancelled {
            var busy = false
            do {
                busy = try await body()
            } catch {
                logger.error("message dispatch failed", metadata: ["error.type": "\(type(of: error))", "error": "\(error)"])
            }
            if !busy { try? await Task.sleep(for: settings.pollInterval) }
        }
    }

    /// Takes the outbox in and sends one batch; what tests and the benchmark call. Returns how
    /// many sends were made.
    @discardableResult
    public func runOnce() async throws -> Int {
        try await store.intake(now: clock.now(), limit: 1000)
        return try await sendBatch()
    }

    /// Claims one batch, sends it with every send in flight at once, and records the outcomes.
    public func sendBatch() async throws -> Int {
        let now = clock.now()
        let planner = MessagePlanner(book: try await currentBook(), crypto: crypto, settings: settings, now: now,
                                     newAttemptID: { TypedID.ordered("att", at: now) })
        let orders = try await store.claim(now: now, limit: settings.batchSize, leaseSeconds: settings.leaseSeconds,
                                           rateWindow: settings.rateWindow, decide: planner.decide)
        guard !orders.isEmpty else { return 0 }
        let settling = orders.filter(\.settling).count
        if settling > 0 {
            // Only after a crash or a timeout: worth a look, and the crash test counts them.
            logger.warning("settling interrupted sends", metadata: ["count": "\(settling)"])
        }
        let results = await withTaskGroup(of: (SendOrder, SendOutcome).self) { group in
            for order in orders {
                group.addTask { (order, await self.senders.send(order, attempts: order.attemptNumber)) }
            }
            var results: [(SendOrder, SendOutcome)] = []
            for await result in group { results.append(result) }
            return results
        }
        try await store.finish(results, now: clock.now(), maxAttempts: settings.maxAttempts)
        for (order, outcome) in results where !Self.isAccepted(outcome) {
            logger.warning("message not sent", metadata: ["message.id": "\(order.messageID)", "channel": "\(order.channel)",
                                                          "outcome": "\(outcome)"])
        }
        return orders.count
    }

    static func isAccepted(_ outcome: SendOutcome) -> Bool {
        if case .accepted = outcome { return true }
        return false
    }

    /// The templates in use, read again every few seconds so that an admin's change reaches the
    /// next messages without a restart.
    public func currentBook() async throws -> TemplateBook {
        let now = ContinuousClock.now
        if let cached = book.withLock({ $0 }), cached.loaded.duration(to: now) < Self.bookLifetime {
            return cached.book
        }
        let fresh = TemplateBook(templates: try await templates.current().compactMap(TemplateService.template))
        book.withLock { $0 = (fresh, now) }
        return fresh
    }

    /// Forgets the loaded templates (after an admin saved one, in tests).
    public func reloadTemplates() {
        book.withLock { $0 = nil }
    }
}
