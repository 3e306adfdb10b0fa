import Database
import Foundation
import HuiminCore

/// 爽约: the sweep that marks bookings nobody checked in as no-shows and blocks repeat offenders,
/// and the staff side of blocks (review, lift on appeal).
public struct NoShowService: Sendable {
    let bookings: BookingStore
    let residents: ResidentStore
    let service: BookingService
    let clock: any HuiminClock
    /// Business days a sweep looks back for unmarked bookings: grace is at most a day, so this
    /// only matters after a long outage of every sweeper.
    let lookbackDays = 14
    /// Bookings per transaction: short enough not to hold the writer long at rush hour.
    let batchSize = 200

    public init(bookings: BookingStore, residents: ResidentStore, service: BookingService, clock: any HuiminClock) {
        self.bookings = bookings
        self.residents = residents
        self.service = service
        self.clock = clock
    }

    public struct SweepResult: Sendable, Equatable {
        public var noShows = 0
        public var blocks = 0
        /// Candidates left for the next pass because their department's policy could not be read.
        public var skipped = 0
    }

    /// One pass: every confirmed booking whose segment ended more than its department's grace
    /// ago becomes a no-show, with the blocking rule of its hospital applied in the same
    /// transaction. Safe to run from several processes at once: each change is a guarded UPDATE.
    public func sweep() async throws -> SweepResult {
        let now = clock.now()
        var graces: [String: Int?] = [:]
        var rules: [String: BookingStore.BlockRule?] = [:]
        var result = SweepResult()
        var cursor: (endsAt: Date, bookingID: String)?
        while true {
            let page = try await bookings.noShowCandidates(today: BusinessCalendar.day(of: now), lookbackDays: lookbackDays,
                                                           endedBy: now, after: cursor, limit: batchSize)
            guard let last = page.last else { break }
            cursor = (last.endsAt, last.bookingID)
            var marks: [BookingStore.NoShowMark] = []
            for candidate in page {
                let departmentKey = candidate.hospitalCode + "/" + candidate.departmentID
                if graces[departmentKey] == nil {
                    graces[departmentKey] = try? await service.policy(hospitalCode: candidate.hospitalCode,
                                                                      departmentID: candidate.departmentID).noShow.graceMinutes
                }
                if rules[candidate.hospitalCode] == nil {
                    rules[candidate.hospitalCode] = (try? await service.policy(hospitalCode: candidate.hospitalCode, departmentID: nil))
                        .map(Self.blockRule)
                }
                guard let grace = graces[departmentKey] ?? nil, let rule = rules[candidate.hospitalCode] ?? nil else {
                    result.skipped += 1
                    continue
                }
                guard candidate.endsAt.addingTimeInterval(TimeInterval(grace * 60)) <= now else { continue }
                marks.append(.init(bookingID: candidate.bookingID, rule: rule))
            }
            let outcomes = try await bookings.markNoShows(marks, now: now)
            result.noShows += outcomes.count
            result.blocks += outcomes.filter { $0.block != nil }.count
            if page.count < batchSize { break }
        }
        return result
    }

    /// A block covers the whole hospital, so the hospital's own policy decides it, not one
    /// department's override (which sets only that department's grace period).
    static func blockRule(_ policy: BookingPolicy) -> BookingStore.BlockRule {
        BookingStore.BlockRule(threshold: policy.noShow.threshold, windowDays: policy.noShow.windowDays,
                               blockDays: policy.noShow.blockDays, countLateCancellations: policy.noShow.countLateCancellations)
    }

    // MARK: Staff

    /// A block as staff see it.
    public struct BlockView: Codable, Sendable, Equatable {
        public var id: String
        public var hospitalCode: String
        public var offences: Int
        public var reason: String
        public var startsAt: String
        public var endsAt: String
        /// Still refusing bookings: neither ended nor lifted.
        public var active: Bool
        public var liftedAt: String?
        public var liftedBy: String?
        public var liftNote: String?

        init(_ block: BookingStore.Block, now: Date) {
            id = block.id
            hospitalCode = block.hospitalCode
            offences = block.offences
            reason = block.reason
            startsAt = ISO8601.string(block.startsAt)
            endsAt = ISO8601.string(block.endsAt)
            active = block.liftedAt == nil && block.endsAt > now
            liftedAt = block.liftedAt.map(ISO8601.string)
            liftedBy = block.liftedBy
            liftNote = block.liftNote
        }
    }

    /// Every block, live and past, of the person behind a family member (blocks belong to the
    /// person: every account that holds them sees the same record). The read is audited.
    public func blocks(memberID: String, actor: AuditActor) async throws -> [BlockView] {
        guard !memberID.isEmpty else {
            throw AppError.invalid("member_id_missing", "Say whose blocks to list: ?memberId=….")
        }
        guard let member = try await residents.member(id: memberID) else {
            throw AppError.notFound("family_member_not_found", "No such family member.")
        }
        let now = clock.now()
        return try await bookings.blocks(personID: member.person.id, readBy: actor, now: now).map { BlockView($0, now: now) }
    }

    /// Lifts a block on appeal (申诉), with the reviewer's note in the audit log.
    public func lift(blockID: String, note: String, actor: AuditActor) async throws -> BlockView {
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty else {
            throw AppError.invalid("note_missing", "Say why the block is lifted (the appeal's outcome).")
        }
        guard note.count <= 500 else {
            throw AppError.invalid("note_too_long", "A note is at most 500 characters.")
        }
        let now = clock.now()
        return BlockView(try await bookings.liftBlock(id: blockID, note: note, actor: actor, now: now), now: now)
    }
}
