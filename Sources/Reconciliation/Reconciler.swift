import Foundation
import HuiminCore

/// The three-way matcher (三方对账).
///
/// Lines are matched by key = (kind, trade number, refund number) over the day's lines and the
/// neighbouring days' (the cross-day pool). A key is looked at when any side has a line of the
/// day; it is *reported* on the day of its channel line (else Huimin's, else the HIS's), so a
/// key that straddles midnight is reported once, by one day, and listed as a cross-day match by
/// both. One key gives at most one difference (plus `duplicate_payment`, which looks across
/// keys by business reference and replaces the duplicate's `his_missing`).
public enum Reconciler {
    public static func reconcile(_ input: ReconciliationInput) -> ReconciliationResult {
        var engine = Engine(input)
        return engine.run()
    }
}

/// One side's lines (day and neighbours) with a hash index by key.
struct SideIndex {
    let side: ReconciliationSide
    let batches: [RecordBatch]
    let bases: [Int]
    let total: Int
    var include: [Bool]
    var visited: [Bool]
    var table: [Int32]
    var next: [Int32]
    var mask: Int

    init(side: ReconciliationSide, batches: [RecordBatch], merchant: String, channel: PaymentChannel) {
        self.side = side
        self.batches = batches
        var bases: [Int] = []
        var total = 0
        for b in batches { bases.append(total); total += b.count }
        self.bases = bases
        self.total = total
        include = [Bool](repeating: false, count: total)
        visited = [Bool](repeating: false, count: total)
        next = [Int32](repeating: 0, count: total)
        var size = 16
        while size < total * 2 { size <<= 1 }
        table = [Int32](repeating: 0, count: size)
        mask = size - 1
        let channelCode = channel.code
        for (bi, b) in batches.enumerated() {
            let own = b.merchantIndex[merchant], blank = b.merchantIndex[""]
            b.channels.withUnsafeBufferPointer { channels in
                b.merchants.withUnsafeBufferPointer { merchants in
                    for i in 0..<b.count where channels[i] == channelCode
                        && (merchants[i] == own || merchants[i] == blank) {
                        include[bases[bi] + i] = true
                    }
                }
            }
        }
        for g in 0..<total where include[g] { insert(g) }
    }

    @inline(__always)
    func locate(_ g: Int) -> (Int, Int) {
        var bi = bases.count - 1
        while bases[bi] > g { bi -= 1 }
        return (bi, g - bases[bi])
    }

    @inline(__always)
    static func keyHash(_ b: RecordBatch, _ i: Int) -> UInt64 {
        let h = b.hash(b.tradeNos[i], seed: 0xcbf2_9ce4_8422_2325 ^ UInt64(b.kinds[i]))
        return Hashing.mix(b.hash(b.refundNos[i], seed: h ^ 0x5bd1_e995))
    }

    @inline(__always)
    static func sameKey(_ a: RecordBatch, _ i: Int, _ b: RecordBatch, _ j: Int) -> Bool {
        a.kinds[i] == b.kinds[j] && RecordBatch.equal(a, a.tradeNos[i], b, b.tradeNos[j])
            && RecordBatch.equal(a, a.refundNos[i], b, b.refundNos[j])
    }

    private mutating func insert(_ g: Int) {
        let (bi, i) = locate(g)
        let b = batches[bi]
        var slot = Int(truncatingIfNeeded: Self.keyHash(b, i)) & mask
        while true {
            let t = table[slot]
            if t == 0 { table[slot] = Int32(g + 1); return }
            let h = Int(t) - 1
            let (hb, hi) = locate(h)
            if Self.sameKey(batches[hb], hi, b, i) {
                next[g] = next[h]
                next[h] = Int32(g + 1)
                return
            }
            slot = (slot + 1) & mask
        }
    }

    /// The first line (global index + 1) with the same key as line `i` of `b`, or 0.
    @inline(__always)
    func find(_ b: RecordBatch, _ i: Int, hash: UInt64) -> Int32 {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let t = table[slot]
            if t == 0 { return 0 }
            let (hb, hi) = locate(Int(t) - 1)
            if Self.sameKey(batches[hb], hi, b, i) { return t }
            slot = (slot + 1) & mask
        }
    }
}

/// What one side says about one key.
struct Aggregate {
    var count = 0
    var amount: Int64 = 0
    var fee: Int64 = 0
    var success = false
    var pending = false
    var status: RecordStatus?
    var minDay = Int32.max
    var maxDay = Int32.min
    var minTime = Int64.max
    var maxTime = Int64.min
    var first = -1
    var present: Bool { count > 0 }
}

struct Engine {
    let input: ReconciliationInput
    let day: Int32
    var sides: [SideIndex]
    var differences: [Difference] = []
    var crossDay: [CrossDayMatch] = []
    var pending: [PendingLine] = []
    var matched = 0
    var matchedCrossDay = 0
    var duplicates: [DupCandidate] = []

    struct DupCandidate {
        var hash: UInt64
        var huimin: Int32
        var time: Int64
        var his: Bool
        var difference: Int32
    }

    init(_ input: ReconciliationInput) {
        self.input = input
        day = DayNumber.parse(input.day) ?? 0
        let n = input.neighbours
        sides = [
            SideIndex(side: .huimin, batches: [input.huimin] + (n.map { [$0.huimin] } ?? []),
                      merchant: input.merchant, channel: input.channel),
            SideIndex(side: .channel, batches: [input.channelBill] + (n.map { [$0.channelBill] } ?? []),
                      merchant: input.merchant, channel: input.channel),
            SideIndex(side: .his, batches: [input.his] + (n.map { [$0.his] } ?? []),
                      merchant: input.merchant, channel: input.channel),
        ]
    }

    mutating func run() -> ReconciliationResult {
        // Channel first, then Huimin, then HIS: each key is evaluated once, from its first side.
        for s in [1, 0, 2] {
            for g in 0..<sides[s].total where sides[s].include[g] && !sides[s].visited[g] {
                let (bi, i) = sides[s].locate(g)
                let b = sides[s].batches[bi]
                let hash = SideIndex.keyHash(b, i)
                let own = Int32(g + 1)
                let h0 = s == 0 ? own : sides[0].find(b, i, hash: hash)
                let h1 = s == 1 ? own : sides[1].find(b, i, hash: hash)
                let h2 = s == 2 ? own : sides[2].find(b, i, hash: hash)
                evaluate(heads: (h0, h1, h2), probe: b, probeIndex: i)
            }
        }
        flagDuplicates()
        return finish()
    }

    mutating func aggregate(_ s: Int, _ head: Int32) -> Aggregate {
        var a = Aggregate()
        var g = Int(head)
        while g != 0 {
            let idx = g - 1
            sides[s].visited[idx] = true
            let (bi, i) = sides[s].locate(idx)
            let b = sides[s].batches[bi]
            let st = RecordStatus(code: b.statuses[i])
            a.count += 1
            if a.first < 0 { a.first = idx }
            a.amount += b.amounts[i]
            a.fee += b.fees[i]
            if st == .success { a.success = true }
            if st == .pending { a.pending = true }
            if a.status == nil || st == .success { a.status = st }
            a.minDay = min(a.minDay, b.days[i]); a.maxDay = max(a.maxDay, b.days[i])
            a.minTime = min(a.minTime, b.times[i]); a.maxTime = max(a.maxTime, b.times[i])
            g = Int(sides[s].next[idx])
        }
        return a
    }

    func record(_ s: Int, _ g: Int) -> (RecordBatch, Int) {
        let (bi, i) = sides[s].locate(g)
        return (sides[s].batches[bi], i)
    }

    mutating func evaluate(heads: (Int32, Int32, Int32), probe: RecordBatch, probeIndex: Int) {
        let h = aggregate(0, heads.0), x = aggregate(1, heads.1), s = aggregate(2, heads.2)
        @inline(__always) func touches(_ a: Aggregate) -> Bool { a.present && (a.minDay == day || a.maxDay == day) }
        guard touches(h) || touches(x) || touches(s) else { return }
        @inline(__always) func off(_ a: Aggregate) -> Bool { a.present && (a.minDay != day || a.maxDay != day) }
        let owner = x.present ? x.minDay : (h.present ? h.minDay : s.minDay)
        let isCross = off(h) || off(x) || off(s)
        let kind = MovementKind(code: probe.kinds[probeIndex])
        let tradeNo = probe.string(probe.tradeNos[probeIndex])
        let refundNoText = probe.string(probe.refundNos[probeIndex])
        let refundNo: String? = kind == .refund ? refundNoText : nil
        if isCross {
            crossDay.append(CrossDayMatch(movement: kind, tradeNo: tradeNo, refundNo: refundNo,
                                          huiminDay: h.present ? DayNumber.string(h.minDay) : nil,
                                          channelDay: x.present ? DayNumber.string(x.minDay) : nil,
                                          hisDay: s.present ? DayNumber.string(s.minDay) : nil,
                                          reportedOn: DayNumber.string(owner)))
        }
        guard owner == day else { return }

        var found: (DifferenceKind, ProposedAction, String)?
        var delta: Int64?
        var disagreeing: [ReconciliationSide]?
        func compareAmounts() -> Bool {
            // Returns true when the present sides disagree; fills delta and disagreeing.
            var values: [(ReconciliationSide, Int64)] = []
            if h.present { values.append((.huimin, h.amount)) }
            if x.present { values.append((.channel, x.amount)) }
            if s.present { values.append((.his, s.amount)) }
            let distinct = Set(values.map(\.1))
            guard distinct.count > 1 else { return false }
            if values.count == 3, distinct.count == 2 {
                let odd = values.first { v in values.filter { $0.1 == v.1 }.count == 1 }!
                let common = values.first { $0.0 != odd.0 }!.1
                disagreeing = [odd.0]
                delta = odd.1 - common
            } else {
                disagreeing = values.map(\.0)
                delta = x.present && h.present ? x.amount - h.amount : values[0].1 - values[1].1
            }
            return true
        }
        let amountAction: () -> ProposedAction = { [input] in
            (delta.map { abs($0) } ?? .max) <= input.writeOffToleranceFen ? .writeOff : .investigate
        }
        if kind == .payment {
            let hPaid = h.success, xPaid = x.success
            if xPaid && hPaid {
                if compareAmounts() {
                    found = (.amountMismatch, amountAction(), "The sides disagree on the amount.")
                } else if !s.present && !input.hisRefusedTrades.contains(tradeNo) {
                    found = (.hisMissing, .repostToHIS, "Paid in the channel and in Huimin; the HIS has no settlement.")
                }
            } else if xPaid {
                if h.present {
                    found = (.channelOnly, .makeUpOrder,
                             "The channel has a successful payment; Huimin's order is \(h.status?.rawValue ?? "unpaid").")
                } else if s.present {
                    found = (.channelOnly, .makeUpOrder, "The channel and the HIS have the payment; Huimin has no order.")
                } else {
                    found = (.channelOnly, .refund, "The channel has a successful payment nobody else knows.")
                }
            } else if hPaid {
                if x.present {
                    found = (.statusMismatch, .investigate,
                             "Huimin says paid; the channel says \(x.status?.rawValue ?? "not paid").")
                } else {
                    found = (.huiminOnly, .investigate, "Huimin says paid; the channel has no such payment.")
                }
            } else if s.present {
                found = (.hisOnly, .investigate, "The HIS has a settlement with no money in the channel.")
            }
        } else {
            let xOK = x.success || x.pending, hOK = h.success || h.pending
            if xOK && hOK {
                if compareAmounts() {
                    found = (.amountMismatch, amountAction(), "The sides disagree on the refund amount.")
                } else if !s.present && !input.hisRefusedTrades.contains(tradeNo) {
                    found = (.hisMissing, .repostToHIS, "Refunded in the channel and in Huimin; the HIS has no reversal.")
                }
            } else if xOK {
                found = (.statusMismatch, .makeUpOrder, h.present
                    ? "Refunded in the channel; Huimin's refund is \(h.status?.rawValue ?? "missing")."
                    : "Refunded in the channel; Huimin has no such refund.")
            } else if hOK {
                found = (.statusMismatch, .refund, x.present
                    ? "Refunded in Huimin; the channel's refund is \(x.status?.rawValue ?? "missing")."
                    : "Refunded in Huimin; the channel has no such refund.")
            } else if s.present {
                found = (.hisOnly, .investigate, "The HIS has a refund neither Huimin nor the channel has.")
            }
        }
        guard let (diffKind, action, detail) = found else {
            if x.present || h.success || h.pending {
                matched += 1
                if isCross { matchedCrossDay += 1 }
                noteDuplicateCandidate(kind: kind, h: h, x: x, s: s, difference: -1)
            }
            return
        }
        // A one-sided line close to a boundary whose neighbouring day is not loaded waits.
        if [.channelOnly, .huiminOnly, .hisMissing, .hisOnly].contains(diffKind)
            || (diffKind == .statusMismatch && (!x.present || !h.present)) {
            let start = DayNumber.epoch(dayStart: day), end = start + 86_400
            let all = [h, x, s].filter(\.present)
            let lo = all.map(\.minTime).min()!, hi = all.map(\.maxTime).max()!
            let nb = input.neighbours
            if hi >= end - input.crossDayWindowSeconds && !(nb?.includesNextDay ?? false) {
                pending.append(PendingLine(movement: kind, tradeNo: tradeNo, refundNo: refundNo, wouldBe: diffKind,
                                           waitingFor: DayNumber.string(day + 1)))
                return
            }
            if lo < start + input.crossDayWindowSeconds && !(nb?.includesPreviousDay ?? false) {
                pending.append(PendingLine(movement: kind, tradeNo: tradeNo, refundNo: refundNo, wouldBe: diffKind,
                                           waitingFor: DayNumber.string(day - 1)))
                return
            }
        }
        var channelTradeId: String?, hisSerial: String?, businessRef: String?
        if x.present { let (b, i) = record(1, x.first); channelTradeId = b.string(b.sourceIds[i]).nilIfEmpty }
        if s.present { let (b, i) = record(2, s.first); hisSerial = b.string(b.sourceIds[i]).nilIfEmpty }
        if h.present { let (b, i) = record(0, h.first); businessRef = b.string(b.businessRefs[i]).nilIfEmpty }
        let amounts = SideAmounts(huiminFen: h.present ? h.amount : nil, channelFen: x.present ? x.amount : nil,
                                  hisFen: s.present ? s.amount : nil)
        let biggest = diffKind == .amountMismatch ? abs(delta ?? 0) : max(h.amount, x.amount, s.amount)
        differences.append(Difference(
            id: Difference.makeID(day: input.day, kind: diffKind, tradeNo: tradeNo, refundNo: refundNo),
            day: input.day, merchant: input.merchant, channel: input.channel, kind: diffKind, movement: kind,
            tradeNo: tradeNo, refundNo: refundNo, amounts: amounts, deltaFen: delta, disagreeing: disagreeing,
            statuses: SideStatuses(huimin: h.status, channel: x.status, his: s.status), amountFen: biggest,
            proposedAction: action, detail: detail + (isCross ? " (matched across days)" : ""),
            channelTradeId: channelTradeId, hisSerial: hisSerial, businessRef: businessRef))
        if diffKind == .hisMissing {
            noteDuplicateCandidate(kind: kind, h: h, x: x, s: s, difference: Int32(differences.count - 1))
        }
    }

    mutating func noteDuplicateCandidate(kind: MovementKind, h: Aggregate, x: Aggregate, s: Aggregate, difference: Int32) {
        guard kind == .payment, h.success, x.success else { return }
        let (b, i) = record(0, h.first)
        let ref = b.businessRefs[i]
        guard ref != 0 else { return }
        duplicates.append(DupCandidate(hash: b.hash(ref, seed: 0x1234_5678), huimin: Int32(h.first), time: h.minTime,
                                       his: s.present, difference: difference))
    }

    /// Two or more successful payments (in Huimin and in the channel) for one business reference:
    /// the one the HIS settled (else the earliest) stands; each other is a duplicate to refund.
    mutating func flagDuplicates() {
        guard duplicates.count > 1 else { return }
        duplicates.sort { ($0.hash, $0.time, $0.huimin) < ($1.hash, $1.time, $1.huimin) }
        var removed = Set<Int32>()
        var start = 0
        while start < duplicates.count {
            var end = start + 1
            while end < duplicates.count, duplicates[end].hash == duplicates[start].hash { end += 1 }
            if end - start > 1 {
                let group = Array(duplicates[start..<end])
                let (b0, i0) = record(0, Int(group[0].huimin))
                let same = group.filter { c in
                    let (b, i) = record(0, Int(c.huimin))
                    return RecordBatch.equal(b0, b0.businessRefs[i0], b, b.businessRefs[i])
                }
                if same.count > 1 {
                    let keeper = same.first(where: \.his) ?? same[0]
                    for c in same where c.huimin != keeper.huimin {
                        let (b, i) = record(0, Int(c.huimin))
                        let tradeNo = b.string(b.tradeNos[i])
                        let (kb, ki) = record(0, Int(keeper.huimin))
                        if c.difference >= 0 { removed.insert(c.difference) }
                        differences.append(Difference(
                            id: Difference.makeID(day: input.day, kind: .duplicatePayment, tradeNo: tradeNo, refundNo: nil),
                            day: input.day, merchant: input.merchant, channel: input.channel, kind: .duplicatePayment,
                            movement: .payment, tradeNo: tradeNo, refundNo: nil,
                            amounts: SideAmounts(huiminFen: b.amounts[i], channelFen: b.amounts[i], hisFen: c.his ? b.amounts[i] : nil),
                            deltaFen: nil, disagreeing: nil,
                            statuses: SideStatuses(huimin: .success, channel: .success, his: c.his ? .success : nil),
                            amountFen: b.amounts[i], proposedAction: .refund,
                            detail: "A second successful payment for business reference \(b.string(b.businessRefs[i])); "
                                + "\(kb.string(kb.tradeNos[ki])) stands.",
                            channelTradeId: nil, hisSerial: nil, businessRef: b.string(b.businessRefs[i])))
                    }
                }
            }
            start = end
        }
        if !removed.isEmpty {
            differences = differences.enumerated().filter { !removed.contains(Int32($0.offset)) }.map(\.element)
        }
    }

    mutating func finish() -> ReconciliationResult {
        differences.sort { ($0.kind.rank, $0.tradeNo, $0.refundNo ?? "") < ($1.kind.rank, $1.tradeNo, $1.refundNo ?? "") }
        crossDay.sort { ($0.tradeNo, $0.refundNo ?? "", $0.movement.rawValue) < ($1.tradeNo, $1.refundNo ?? "", $1.movement.rawValue) }
        pending.sort { ($0.tradeNo, $0.refundNo ?? "") < ($1.tradeNo, $1.refundNo ?? "") }
        var totals: [SideTotals] = []
        for s in 0..<3 {
            var t = SideTotals()
            let side = sides[s]
            for (bi, b) in side.batches.enumerated() {
                for i in 0..<b.count where side.include[side.bases[bi] + i] && b.days[i] == day {
                    let st = b.statuses[i]
                    if b.kinds[i] == 0 {
                        if st == RecordStatus.success.code { t.payments.add(b.amounts[i]); t.feeFen += b.fees[i] }
                    } else if st == RecordStatus.success.code || st == RecordStatus.pending.code {
                        t.refunds.add(b.amounts[i]); t.feeFen += b.fees[i]
                    }
                }
            }
            totals.append(t)
        }
        let byKind = DifferenceKind.allCases.map { k in
            let list = differences.filter { $0.kind == k }
            return DifferenceTotal(kind: k, count: list.count, amountFen: list.reduce(0) { $0 + $1.amountFen })
        }
        let summary = ReconciliationSummary(day: input.day, merchant: input.merchant, channel: input.channel,
                                            huimin: totals[0], channelBill: totals[1], his: totals[2], matched: matched,
                                            matchedCrossDay: matchedCrossDay, pending: pending.count, differences: byKind)
        return ReconciliationResult(day: input.day, merchant: input.merchant, channel: input.channel,
                                    differences: differences, crossDayMatches: crossDay, pending: pending, summary: summary)
    }
}

extension DayNumber {
    static func epoch(dayStart day: Int32) -> Int64 { Int64(day) * 86_400 - offset }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
