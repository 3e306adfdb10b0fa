import Appointments
import Database
import Foundation
import GRDB
import HuiminCore
import Testing

/// The rush at release time: many patients, few places. Whatever the concurrency, and even with a
/// second process writing the same database file, a segment never sells more places than it has.
@Suite struct OversellTests {
    typealias F = AppointmentFixture

    /// Accounts and real-named persons written straight into the database: the race, not
    /// registration, is under test.
    static func people(_ database: AppDatabase, count: Int, now: Date) async throws -> [(account: String, member: String)] {
        try await database.pool.write { db in
            try (0..<count).map { _ in
                let account = TypedID.make("acc"), person = TypedID.make("per"), member = TypedID.make("mem")
                try db.execute(sql: "INSERT INTO account (id, channel, app_id, channel_user_id, created_at, last_login_at) VALUES (?, 'wechat', 'wx', ?, ?, ?)",
                               arguments: [account, account, now, now])
                try db.execute(sql: """
                    INSERT INTO person (id, id_number_index, id_number_sealed, name_sealed, sex, birth_date, created_at, updated_at)
                    VALUES (?, ?, x'00', x'00', 'male', '1990-01-01', ?, ?)
                    """, arguments: [person, person, now, now])
                try db.execute(sql: "INSERT INTO family_member (id, account_id, person_id, relation, is_default, created_at) VALUES (?, ?, ?, 'self', 1, ?)",
                               arguments: [member, account, person, now])
                try db.execute(sql: "INSERT INTO health_card (card_id, person_id, issuer, status, created_at) VALUES (?, ?, 'test', 'active', ?)",
                               arguments: [TypedID.make("card"), person, now])
                return (account, member)
            }
        }
    }

    static func race(_ stores: [BookingStore], context: SlotContext, people: [(account: String, member: String)],
                     now: Date) async -> (booked: Int, full: Int, other: [String]) {
        await withTaskGroup(of: String.self) { group in
            for (n, who) in people.enumerated() {
                group.addTask {
                    let request = BookingStore.BookingRequest(accountID: who.account, memberID: who.member, slotID: context.slotId,
                                                              idempotencyKey: nil, requestDigest: "d")
                    do {
                        _ = try await stores[n % stores.count].book(request, now: now, decide: { inputs in
                            BookingStore.NewBooking(
                                id: TypedID.make("bkg"), accountID: who.account, memberID: who.member, personID: inputs.member.person.id,
                                idempotencyKey: nil, requestDigest: "d", limitKey: context.departmentId, usesReserve: false,
                                lockExpiresAt: now.addingTimeInterval(900), maxActiveBookings: 5, today: "2026-11-30")
                        }, messages: { _, _ in [] })
                        return "booked"
                    } catch let error as AppError {
                        return error.code
                    } catch {
                        return "\(error)"
                    }
                }
            }
            var booked = 0, full = 0
            var other: [String] = []
            for await outcome in group {
                switch outcome {
                case "booked": booked += 1
                case "slot_full": full += 1
                default: other.append(outcome)
                }
            }
            return (booked, full, other)
        }
    }

    @Test func fourHundredPatientsRaceForFiftyPlaces() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 50, feeFen: 1000)])
            let context = try #require(try await h.services.bookingStore.slotContext(slotID: clinic.slotIDs[0]))
            let people = try await Self.people(h.services.database, count: 400, now: h.clock.now())
            let outcome = await Self.race([h.services.bookingStore], context: context, people: people, now: h.clock.now())
            #expect(outcome.booked == 50)
            #expect(outcome.full == 350)
            #expect(outcome.other.isEmpty, "\(outcome.other.prefix(3))")
            #expect(try await F.taken(h, slot: clinic.slotIDs[0]) == 50)
            let live = try await h.services.database.pool.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM booking WHERE slot_id = ? AND state = 'locked'", arguments: [clinic.slotIDs[0]])!
            }
            #expect(live == 50)
        }
    }

    @Test func aSecondProcessOnTheSameFileCannotOversellEither() async throws {
        try await TestHarness.with { h in
            h.clock.set(F.dayBefore10am)
            let clinic = try await F.clinic(h, segments: [.init(start: "08:00", end: "08:30", capacity: 30)])
            let context = try #require(try await h.services.bookingStore.slotContext(slotID: clinic.slotIDs[0]))
            // Another connection pool on the same file stands in for a second server process.
            let other = BookingStore(database: try AppDatabase(path: h.services.configuration.databasePath))
            let people = try await Self.people(h.services.database, count: 200, now: h.clock.now())
            let outcome = await Self.race([h.services.bookingStore, other], context: context, people: people, now: h.clock.now())
            #expect(outcome.booked == 30)
            #expect(outcome.full == 170)
            #expect(outcome.other.isEmpty, "\(outcome.other.prefix(3))")
            #expect(try await F.taken(h, slot: clinic.slotIDs[0]) == 30)
        }
    }
}
