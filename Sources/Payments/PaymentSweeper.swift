import Database
import Foundation
import HuiminCore
import Logging

/// The payments worker: turns cancelled paid bookings into refunds, closes unpaid orders whose
/// time is up (at the channel first), asks the channel about orders whose notification is
/// overdue (掉单), posts paid bills and deposits to the HIS, and sends refunds until the channel
/// answers. Every step is idempotent, so it runs in `huimin serve` and `huimin worker` alike.
public struct PaymentSweeper: Sendable {
    let payments: PaymentService
    let interval: Duration
    /// An order still paying this long after its prepay is asked about.
    let overdue: TimeInterval

    public init(payments: PaymentService, interval: Duration = .seconds(15), overdue: TimeInterval = 120) {
        self.payments = payments
        self.interval = interval
        self.overdue = overdue
    }

    public struct Pass: Sendable, Equatable {
        public var refundsAdopted = 0
        public var closed = 0
        public var recovered = 0
        public var refundsSent = 0
        public var postedToHIS = 0
        public var refusedByHIS = 0
    }

    public func pass() async throws -> Pass {
        let store = payments.store, now = payments.clock.now()
        var pass = Pass()
        pass.refundsAdopted = try await store.adoptBookingRefunds(now: now)
        for order in try await store.dueForClosing(now: now) {
            if try await settle(order, closing: true) { pass.closed += 1 } else { pass.recovered += 1 }
        }
        for order in try await store.paying(updatedBefore: now.addingTimeInterval(-overdue)) where order.expiresAt > now {
            if try await settle(order, closing: false) == false { pass.recovered += 1 }
        }
        (pass.postedToHIS, pass.refusedByHIS) = try await payments.postDue()
        for (refund, order) in try await store.dueRefunds(now: payments.clock.now()) {
            await payments.send(refund, order: order)
            pass.refundsSent += 1
        }
        return pass
    }

    /// Asks the channel what became of an unpaid order. A payment it reports is taken as if its
    /// notification had come (returns false); otherwise, when `closing`, the order is closed at
    /// the channel and here (returns true).
    private func settle(_ order: PaymentOrderRow, closing: Bool) async throws -> Bool {
        let store = payments.store
        if order.prepayId != nil {
            let gateway = try payments.gateway(order.channel)
            let trade = try await gateway.query(order)
            if let trade, trade.paid {
                try await payments.takePayment(PaymentStore.ChannelPayment(
                    channel: order.channel, notificationID: "query:\(trade.channelTradeID ?? order.tradeNo)", tradeNo: order.tradeNo,
                    channelTradeID: trade.channelTradeID, amountFen: trade.amountFen, paidAt: trade.paidAt ?? payments.clock.now()))
                return false
            }
            guard closing else {
                try await store.touch(orderID: order.id, now: payments.clock.now())  // ask again one `overdue` later
                return true
            }
            if trade != nil { try await gateway.close(order) }
        }
        guard closing else { return true }
        let closed = try await store.close(orderID: order.id, reason: "expired", now: payments.clock.now())
        if closed { await payments.releaseInsurance(of: order, refundNo: "") }
        return closed
    }

    public func run() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            do {
                let pass = try await pass()
                if pass != Pass() {
                    payments.logger.info("payment sweep", metadata: [
                        "refundsAdopted": "\(pass.refundsAdopted)", "closed": "\(pass.closed)", "recovered": "\(pass.recovered)",
                        "refundsSent": "\(pass.refundsSent)", "postedToHIS": "\(pass.postedToHIS)",
                        "refusedByHIS": "\(pass.refusedByHIS)",
                    ])
                }
            } catch {
                payments.logger.error("payment sweep failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
