import Foundation
import HuiminCore

/// A difference the generator injected, as the reconciliation must report it.
public struct ExpectedDifference: Hashable, Codable, Sendable, Comparable {
    public var kind: DifferenceKind
    public var tradeNo: String
    public var refundNo: String?
    public var action: ProposedAction
    /// Insurance amount mismatches: the part that disagrees.
    public var part: InsurancePart?

    public init(kind: DifferenceKind, tradeNo: String, refundNo: String?, action: ProposedAction, part: InsurancePart? = nil) {
        self.kind = kind; self.tradeNo = tradeNo; self.refundNo = refundNo; self.action = action; self.part = part
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.kind.rank, a.tradeNo, a.refundNo ?? "", a.part?.rawValue ?? "") < (b.kind.rank, b.tradeNo, b.refundNo ?? "", b.part?.rawValue ?? "")
    }
}

/// A generated day: the three sides in their real formats, plus what reconciling them must say.
public struct GeneratedDay: Sendable {
    public var day: String
    public var merchant: String
    public var channel: PaymentChannel
    /// The channel's bill of the day: WeChat ALL CSV, or the Alipay zip (GBK CSVs inside).
    public var channelBill: [UInt8]
    public var channelBillPrevious: [UInt8]
    public var channelBillNext: [UInt8]
    /// HIS settlement files (our format) of the day and its neighbours.
    public var hisFile: [UInt8]
    public var hisFilePrevious: [UInt8]
    public var hisFileNext: [UInt8]
    /// Huimin's own lines of the day (as the payments module would give them) and of day±1.
    public var huimin: RecordBatch
    public var huiminNeighbours: RecordBatch
    public var expected: [ExpectedDifference]
    /// Trade numbers (refund numbers for refunds) the result must list as cross-day matches.
    public var expectedCrossDay: [String]
    /// Channel lines in the day's bill.
    public var channelLines: Int
}

/// Deterministic, seeded generator of a day's data with known injected differences of every kind.
public enum Generator {
    public static func day(seed: UInt64, lines: Int, day: String, channel: PaymentChannel = .wechat,
                           merchant: String? = nil, alipayZipLevel: Int32 = 6) throws -> GeneratedDay {
        guard channel != .insurance else {
            throw AppError.invalid("generator_channel_unsupported", "The insurance centre's day has its own generator (Generator.insuranceDay).")
        }
        guard let d = DayNumber.parse(day) else { throw AppError.invalid("record_day_invalid", "\(day) is not a day.") }
        let merchant = merchant ?? ["wechat": "1900000109", "alipay": "2088102177846880", "unionpay": "777290058110097"][channel.rawValue]!
        var g = Builder(seed: seed, day: d, merchant: merchant, channel: channel)
        g.build(lines: max(lines, 20))
        let prevDay = DayNumber.string(d - 1), nextDay = DayNumber.string(d + 1)
        func bill(_ b: RecordBatch, _ on: String) -> [UInt8] {
            switch channel {
            case .wechat: BillWriters.wechat(b)
            case .unionpay: BillWriters.unionPayZip(b, merID: merchant, clearingDay: on, level: alipayZipLevel)
            default: BillWriters.alipayZip(b, pid: merchant, day: on, level: alipayZipLevel)
            }
        }
        let channelLines = g.channel[1].count
        // Render one file at a time and let its lines go, so a million-line day stays small.
        var files: [[UInt8]] = []
        for (i, on) in [(1, day), (0, prevDay), (2, nextDay)] {
            files.append(bill(g.channel[i], on))
            g.channel[i] = RecordBatch(side: .channel)
        }
        for i in [1, 0, 2] {
            files.append(BillWriters.his(g.his[i]))
            g.his[i] = RecordBatch(side: .his)
        }
        let result = GeneratedDay(
            day: day, merchant: merchant, channel: channel,
            channelBill: files[0], channelBillPrevious: files[1], channelBillNext: files[2],
            hisFile: files[3], hisFilePrevious: files[4], hisFileNext: files[5],
            huimin: g.huimin, huiminNeighbours: g.huiminNeighbours, expected: g.expected.sorted(),
            expectedCrossDay: g.expectedCrossDay.sorted(), channelLines: channelLines)
        return result
    }

    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            return Hashing.mix(state)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    struct Builder {
        var rng: SplitMix
        let day: Int32
        let start: Int64
        let merchantName: String
        let channelKind: PaymentChannel
        var huimin = RecordBatch(side: .huimin)
        var huiminNeighbours = RecordBatch(side: .huimin)
        /// Index 0: day-1, 1: the day, 2: day+1.
        var channel = [RecordBatch(side: .channel), RecordBatch(side: .channel), RecordBatch(side: .channel)]
        var his = [RecordBatch(side: .his), RecordBatch(side: .his), RecordBatch(side: .his)]
        var expected: [ExpectedDifference] = []
        var expectedCrossDay: [String] = []
        var counter: UInt64 = 0
        let salt: UInt64
        static let base32 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

        init(seed: UInt64, day: Int32, merchant: String, channel: PaymentChannel) {
            rng = SplitMix(state: seed)
            self.day = day
            start = DayNumber.epoch(dayStart: day)
            merchantName = merchant
            channelKind = channel
            var saltSource = SplitMix(state: seed ^ 0xABCDEF)
            salt = saltSource.next() & 0xFF_FFFF_FFFF
        }

        /// `P`/`R` + UTC yyyyMMddHHmmss + 8 base32 characters, unique per generator.
        mutating func number(_ letter: Character, at t: Int64) -> [UInt8] {
            counter += 1
            var out: [UInt8] = [letter.asciiValue!]
            let (days, sec) = t.quotientAndRemainder(dividingBy: 86_400)
            let (y, m, d) = BusinessCalendar.civil(fromDays: days)
            for v in [y / 100, y % 100, m, d, Int(sec / 3600), Int(sec % 3600 / 60), Int(sec % 60)] {
                out.append(UInt8(48 + v / 10)); out.append(UInt8(48 + v % 10))
            }
            // An odd multiplier modulo 2^40 is a bijection: never the same suffix twice.
            var x = (counter &* 0x9E37_79B9_7F4B &+ salt) & 0xFF_FFFF_FFFF
            for _ in 0..<8 { out.append(Self.base32[Int(x & 31)]); x >>= 5 }
            return out
        }

        mutating func digits(_ prefix: String, _ n: Int) -> [UInt8] {
            var out = Array(prefix.utf8)
            var x = counter &* 1_000_003 &+ rng.next() % 1000
            var tail: [UInt8] = []
            for _ in 0..<(n - out.count) { tail.append(UInt8(48 + x % 10)); x /= 10 }
            out.append(contentsOf: tail.reversed())
            return out
        }

        func fee(_ amount: Int64) -> Int64 { (amount * BillWriters.feePerMille + 500) / 1000 }

        enum Side { case huimin, channel, his }

        /// Adds a line to the batch of its side and day.
        mutating func add(_ side: Side, _ kind: MovementKind, trade: [UInt8], refund: [UInt8] = [], source: [UInt8] = [],
                          ref: [UInt8] = [], amount: Int64, status: RecordStatus = .success, time: Int64,
                          channel overrideChannel: PaymentChannel? = nil, merchant overrideMerchant: String? = nil) {
            let dayN = DayNumber.of(epochSeconds: time)
            // UnionPay's clearing date runs from 23:00 the day before: a line's file is not always its day's.
            let fileDay = side == .channel && channelKind == .unionpay ? DayNumber.of(epochSeconds: time + 3_600) : dayN
            let slot = Int(fileDay - day) + 1
            precondition((0...2).contains(slot), "generated line outside day±1")
            let ch = (overrideChannel ?? channelKind).code
            func put(_ b: inout RecordBatch, fee: Int64) {
                let m = b.internMerchant(overrideMerchant ?? merchantName)
                b.appendRaw(kind: kind.code, status: status.code, channel: ch, merchant: m, tradeNo: b.store(trade),
                            refundNo: b.store(refund), sourceId: b.store(source), businessRef: b.store(ref),
                            amount: amount, fee: fee, time: time, day: dayN, line: 0)
            }
            switch side {
            case .huimin:
                if slot == 1 { put(&huimin, fee: 0) } else { put(&huiminNeighbours, fee: 0) }
            case .channel:
                put(&channel[slot], fee: kind == .payment ? fee(amount) : -fee(amount))
            case .his:
                put(&his[slot], fee: 0)
            }
        }

        func s(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

        mutating func expect(_ kind: DifferenceKind, _ trade: [UInt8], _ refund: [UInt8]? = nil, _ action: ProposedAction) {
            expected.append(ExpectedDifference(kind: kind, tradeNo: s(trade), refundNo: refund.map(s), action: action))
        }

        /// A payment with its pieces; `sides` says who has it.
        struct Pay { var trade: [UInt8]; var tx: [UInt8]; var ref: [UInt8]; var serial: [UInt8]; var amount: Int64; var time: Int64 }

        mutating func newPay(at t: Int64? = nil) -> Pay {
            let time = t ?? (start + 600 + Int64(rng.below(86_400 - 1_800)))
            let trade = number("P", at: time)
            let tx = channelKind == .wechat ? digits("42000", 28) : channelKind == .unionpay ? digits("6126", 21) : digits("2026", 28)
            let ref = Array("REG\(counter)".utf8)
            let serial = Array("H\(counter)".utf8)
            return Pay(trade: trade, tx: tx, ref: ref, serial: serial, amount: Int64(100 + rng.below(50_000)), time: time)
        }

        mutating func pay(_ p: Pay, huimin: Bool = true, channel: Bool = true, his: Bool = true,
                          huiminAmount: Int64? = nil, channelAmount: Int64? = nil, hisAmount: Int64? = nil,
                          huiminStatus: RecordStatus = .success, channelStatus: RecordStatus = .success,
                          huiminTime: Int64? = nil, channelTime: Int64? = nil, hisTime: Int64? = nil) {
            if huimin {
                add(.huimin, .payment, trade: p.trade, ref: p.ref, amount: huiminAmount ?? p.amount, status: huiminStatus,
                    time: huiminTime ?? p.time)
            }
            if channel {
                add(.channel, .payment, trade: p.trade, source: p.tx, amount: channelAmount ?? p.amount,
                    status: channelStatus, time: channelTime ?? p.time)
            }
            if his {
                add(.his, .payment, trade: p.trade, source: p.serial, ref: p.ref, amount: hisAmount ?? p.amount,
                    time: hisTime ?? (p.time + 3))
            }
        }

        mutating func refund(_ p: Pay, amount: Int64, at t: Int64, huimin: Bool = true, channel: Bool = true,
                             his: Bool = true, huiminStatus: RecordStatus = .success,
                             channelStatus: RecordStatus = .success, channelAmount: Int64? = nil,
                             channelTime: Int64? = nil, hisTime: Int64? = nil) -> [UInt8] {
            let r = number("R", at: t)
            // The channel's own id of the refund; Alipay's bill names the payment's instead.
            let rid = channelKind == .wechat ? digits("50300", 29) : channelKind == .unionpay ? digits("6126", 21) : p.tx
            if huimin { add(.huimin, .refund, trade: p.trade, refund: r, amount: amount, status: huiminStatus, time: t) }
            if channel {
                add(.channel, .refund, trade: p.trade, refund: r, source: rid,
                    amount: channelAmount ?? amount, status: channelStatus, time: channelTime ?? t)
            }
            if his { add(.his, .refund, trade: p.trade, refund: r, source: p.serial, amount: amount, time: hisTime ?? (t + 2)) }
            return r
        }

        mutating func build(lines: Int) {
            let wechat = channelKind == .wechat
            let expectedLines = lines * 106 / 100 + 64
            huimin.reserveCapacity(expectedLines, textBytes: expectedLines * 32)
            channel[1].reserveCapacity(expectedLines, textBytes: expectedLines * 60)
            his[1].reserveCapacity(expectedLines, textBytes: expectedLines * 40)
            let injected = max(1, lines / 50_000)
            let end = start + 86_400
            // The ordinary day: payments, 5% refunded later the same day (WeChat: 1 in 10 of those
            // still PROCESSING at bill time, and pending in Huimin too — not a difference).
            let basePayments = lines * 100 / 105
            for _ in 0..<basePayments {
                let p = newPay()
                pay(p)
                if rng.below(100) < 5 {
                    let latest = end - 900
                    guard latest > p.time + 60 else { continue }
                    let t = p.time + 60 + Int64(rng.below(Int(latest - p.time - 60)))
                    let processing = wechat && rng.below(10) == 0
                    _ = refund(p, amount: Int64(1 + rng.below(Int(p.amount))), at: t,
                               huiminStatus: processing ? .pending : .success,
                               channelStatus: processing ? .pending : .success)
                }
            }
            // Noise that is not a difference: unpaid closed orders; the HIS's lines of another
            // channel and merchant.
            for _ in 0..<max(1, lines / 100) {
                let p = newPay()
                pay(p, channel: false, his: false, huiminStatus: .closed)
            }
            for _ in 0..<max(1, lines / 200) {
                let p = newPay()
                add(.his, .payment, trade: p.trade, source: p.serial, ref: p.ref, amount: p.amount, time: p.time,
                    channel: wechat ? .alipay : .wechat, merchant: wechat ? "2088102177846880" : "1900000109")
            }
            // Neighbouring days' ordinary lines (never in scope of the day).
            for offset in [-1, 1] {
                for _ in 0..<3 {
                    let p = newPay(at: start + Int64(offset) * 86_400 + 3_600 + Int64(rng.below(70_000)))
                    pay(p)
                }
            }

            for _ in 0..<injected {
                // 长款 (channel only): nobody else knows -> refund; Huimin's order closed -> make up
                // the order; the HIS has it but Huimin does not -> make up the order.
                var p = newPay(); pay(p, huimin: false, his: false); expect(.channelOnly, p.trade, nil, .refund)
                p = newPay(); pay(p, his: false, huiminStatus: .closed); expect(.channelOnly, p.trade, nil, .makeUpOrder)
                p = newPay(); pay(p, huimin: false); expect(.channelOnly, p.trade, nil, .makeUpOrder)
                // 短款 (Huimin only), with and without the HIS.
                p = newPay(); pay(p, channel: false, his: false); expect(.huiminOnly, p.trade, nil, .investigate)
                p = newPay(); pay(p, channel: false); expect(.huiminOnly, p.trade, nil, .investigate)
                // HIS missing: a payment; a refund.
                p = newPay(); pay(p, his: false); expect(.hisMissing, p.trade, nil, .repostToHIS)
                p = newPay(); pay(p)
                var r = refund(p, amount: p.amount, at: p.time + 120, his: false)
                expect(.hisMissing, p.trade, r, .repostToHIS)
                // HIS only: a payment; a refund of a matched payment nobody else has.
                p = newPay(); pay(p, huimin: false, channel: false); expect(.hisOnly, p.trade, nil, .investigate)
                p = newPay(); pay(p)
                r = refund(p, amount: 50, at: p.time + 300, huimin: false, channel: false)
                expect(.hisOnly, p.trade, r, .investigate)
                // Amount mismatches: channel vs the rest; HIS vs the rest; a refund.
                p = newPay(); pay(p, channelAmount: p.amount + 100); expect(.amountMismatch, p.trade, nil, .investigate)
                p = newPay(); pay(p, hisAmount: p.amount - 1); expect(.amountMismatch, p.trade, nil, .investigate)
                p = newPay(); pay(p)
                r = refund(p, amount: 30, at: p.time + 200, channelAmount: 40)
                expect(.amountMismatch, p.trade, r, .investigate)
                // Status mismatches: refunded in the channel only; refunded in Huimin only;
                // (WeChat) revoked in the channel, paid in Huimin.
                p = newPay(); pay(p)
                r = refund(p, amount: 20, at: p.time + 200, huimin: false, his: false)
                expect(.statusMismatch, p.trade, r, .makeUpOrder)
                p = newPay(); pay(p)
                r = refund(p, amount: 25, at: p.time + 200, channel: false)
                expect(.statusMismatch, p.trade, r, .refund)
                if wechat {
                    p = newPay(); pay(p, his: false, channelStatus: .revoked)
                    expect(.statusMismatch, p.trade, nil, .investigate)
                }
                // Duplicate payment: two paid orders for one business reference; the HIS took the first.
                let first = newPay(); pay(first)
                var second = newPay(at: first.time + 40); second.ref = first.ref; second.amount = first.amount
                pay(second, his: false)
                expect(.duplicatePayment, second.trade, nil, .refund)
            }

            // Cross-day (跨日).
            // X1: Huimin 23:59:58 of day-1, channel and HIS just after midnight: matched, reported here.
            var p = newPay(at: start + 1)
            pay(p, huiminTime: start - 2, channelTime: start + 1, hisTime: start + 3)
            expectedCrossDay.append(s(p.trade))
            // X2: Huimin 23:59:59, channel and HIS the next day: matched, belongs to day+1.
            p = newPay(at: end - 1)
            pay(p, channelTime: end + 2, hisTime: end + 4)
            expectedCrossDay.append(s(p.trade))
            // X3: as X2 but the HIS never got it: his_missing, reported by day+1, not today.
            p = newPay(at: end - 3)
            pay(p, his: false, channelTime: end + 1)
            expectedCrossDay.append(s(p.trade))
            // X4: from day-1 into today with the HIS (day-1) disagreeing on the amount: reported today.
            p = newPay(at: start + 2)
            pay(p, hisAmount: p.amount + 5, huiminTime: start - 1, hisTime: start - 1)
            expectedCrossDay.append(s(p.trade))
            expect(.amountMismatch, p.trade, nil, .investigate)
            // X5: a refund accepted by Huimin at 23:59:59, by the channel at 00:00:00 next day.
            p = newPay(at: end - 7_200); pay(p)
            let r5 = refund(p, amount: 10, at: end - 1, channelTime: end, hisTime: end + 5)
            expectedCrossDay.append(s(r5))
            // X6: paid yesterday, the HIS booked it this morning: belongs to day-1, listed here.
            p = newPay(at: start - 3_600)
            pay(p, hisTime: start + 300)
            expectedCrossDay.append(s(p.trade))
        }
    }
}
