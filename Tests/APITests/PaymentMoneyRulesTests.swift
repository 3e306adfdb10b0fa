import Appointments
import Database
import Foundation
import GRDB
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// What the payment store does with the channel's word when it does not fit the order: a wrong
/// amount, a payment after the lock ran out or after the order closed, a second order paid for
/// one booking. Driven straight through the store, as a verified notification would.
@Suite struct PaymentMoneyRulesTests {
    typealias F = AppointmentFixture
    typealias P = PaymentFixture

    static func payment(_ order: [String: any Sendable], id: String, fen: Int64, at: Date) throws -> PaymentStore.ChannelPayment {
        PaymentStore.ChannelPayment(channel: "wechat", notificationID: id, tradeNo: try #require(order["tradeNo"] as? String),
                                    channelTradeID: "42000\(id)", amountFen: fen, paidAt: at)
    }

    static func take(_ h: TestHarness, _ payment: PaymentStore.ChannelPayment) async throws -> PaymentStore.PaidOutcome {
        try await h.services.paymentStore.takePayment(payment, now: h.clock.now(), bookingMessages: BookingService.confirmationMessages)
    }

    @Test func aWrongAmountIsRefusedAndRecordsNothing() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (_, booking, order) = try await P.lockedAndOrdered(h, client, feeFen: 2500)
                await #expect(throws: AppError.self) { _ = try await Self.take(h, try Self.payment(order, id: "n1", fen: 2400, at: h.clock.now())) }
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM payment_notification") == 0)
                #expect(try await h.services.bookingStore.booking(id: booking)?.booking.state == "locked")
                guard case .paid(_, nil) = try await Self.take(h, try Self.payment(order, id: "n1", fen: 2500, at: h.clock.now())) else {
                    Issue.record("the right amount under the same notification ID is taken")
                    return
                }
                guard case .duplicate = try await Self.take(h, try Self.payment(order, id: "n1", fen: 2500, at: h.clock.now())) else {
                    Issue.record("a notification is taken once")
                    return
                }
                guard case .alreadyPaid = try await Self.take(h, try Self.payment(order, id: "query:x", fen: 2500, at: h.clock.now())) else {
                    Issue.record("a query after the notification finds the order paid")
                    return
                }
            }
        }
    }

    @Test func moneyForAPlaceThatIsGoneGoesBackAtOnce() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (_, booking, order) = try await P.lockedAndOrdered(h, client, feeFen: 2500)
                h.clock.advance(by: 15 * 60 + 5)  // the payer paid in the last second; WeChat's notice came after the lock ran out
                guard case .paid(let paid, let refund?) = try await Self.take(h, try Self.payment(order, id: "n1", fen: 2500,
                                                                                                 at: h.clock.now().addingTimeInterval(-6))) else {
                    Issue.record("a payment for an expired lock is taken and refunded")
                    return
                }
                #expect(paid.state == "paid")
                #expect(paid.refundingFen == 2500)
                #expect(refund.cause == "lock_expired")
                #expect(refund.amountFen == 2500)
                #expect(try await h.services.bookingStore.booking(id: booking)?.booking.state == "expired")
            }
        }
    }

    @Test func aSecondPaidOrderForOneBookingIsRefunded() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            try await h.test { client in
                let (resident, booking, first) = try await P.lockedAndOrdered(h, client, feeFen: 2500)
                // The first order is closed here (say a cashier cancelled it) while the payer was paying it.
                #expect(try await h.services.paymentStore.close(orderID: try #require(first["id"] as? String), reason: "test",
                                                                now: h.clock.now()))
                let second = try await P.pay(client, resident, booking: booking)
                #expect(second.status == 201, "\(second.body)")
                guard case .paid(_, nil) = try await Self.take(h, try Self.payment(second.object("payment"), id: "n2", fen: 2500,
                                                                                  at: h.clock.now())) else {
                    Issue.record("the second order pays the booking")
                    return
                }
                guard case .paid(_, let refund?) = try await Self.take(h, try Self.payment(first, id: "n1", fen: 2500, at: h.clock.now())) else {
                    Issue.record("the late first payment is refunded")
                    return
                }
                #expect(refund.cause == "duplicate_payment")
                #expect(try await h.services.bookingStore.booking(id: booking)?.booking.state == "confirmed")
                // The schema holds the line even against a bug: refunds never pass what was paid.
                await #expect(throws: DatabaseError.self) {
                    try await h.services.database.pool.write { db in
                        try db.execute(sql: "UPDATE payment_order SET refunded_fen = paid_fen + 1 WHERE id = ?",
                                       arguments: [first["id"] as? String ?? ""])
                    }
                }
            }
        }
    }
}
