import Foundation
import HuiminCore

/// A generated insurance day: the centre's detail file and Huimin's insurance orders, plus what
/// reconciling them must say.
public struct GeneratedInsuranceDay: Sendable {
    public var day: String
    public var merchant: String
    /// The centre's detail of the day, in `InsuranceDetailFile`'s format.
    public var centreFile: [UInt8]
    /// Huimin's insurance orders (settled on the day or its neighbours, refunded, cancelled…).
    public var huimin: [InsuranceOrder]
    public var expected: [ExpectedDifference]
}

extension Generator {
    /// A day of `settlements` ordinary insurance settlements (5 % refunded), noise that is no
    /// difference (orders settled on the neighbouring days, orders cancelled everywhere), and
    /// every kind of insurance difference injected `max(1, settlements / 1000)` times.
    public static func insuranceDay(seed: UInt64, settlements: Int, day: String,
                                    merchant: String = "H45010200001") throws -> GeneratedInsuranceDay {
        guard let d = DayNumber.parse(day) else { throw AppError.invalid("record_day_invalid", "\(day) is not a day.") }
        var g = InsuranceBuilder(rng: SplitMix(state: seed), start: DayNumber.epoch(dayStart: d))
        g.build(settlements: max(settlements, 10))
        return GeneratedInsuranceDay(day: day, merchant: merchant, centreFile: InsuranceDetailFile.write(g.centre),
                                     huimin: g.huimin, expected: g.expected.sorted())
    }

    struct InsuranceBuilder {
        var rng: SplitMix
        let start: Int64
        var centre: [InsuranceLine] = []
        var huimin: [InsuranceOrder] = []
        var expected: [ExpectedDifference] = []
        var counter = 0

        /// A settled order as both sides have it, at a time of the day (or `at`).
        mutating func order(at t: Int64? = nil) -> InsuranceOrder {
            counter += 1
            let total = Int64(1_000 + rng.below(300_000))
            let fund = total * Int64(rng.below(80)) / 100
            let account = min(total - fund - 1, Int64(1 + rng.below(50_000)))
            return InsuranceOrder(payOrderID: String(format: "ORD450102%014d", counter), tradeNo: String(format: "P%022d", counter),
                                  state: .settled, settlementID: String(format: "SETL450102%012d", counter), fundFen: fund,
                                  accountFen: account, cashFen: total - fund - account,
                                  settledAt: t ?? (start + 60 + Int64(rng.below(86_400 - 4_000))))
        }

        /// The centre's line of an order's settlement.
        func settlementLine(_ o: InsuranceOrder) -> InsuranceLine {
            InsuranceLine(kind: .payment, settlementID: o.settlementID!, tradeNo: o.tradeNo, payOrderID: o.payOrderID,
                          fundFen: o.fundFen, accountFen: o.accountFen, cashFen: o.cashFen, time: o.settledAt!)
        }

        /// Refunds the insurance parts of an order 10 minutes after it settled; returns the
        /// centre's line (HI refunds carry no cash).
        mutating func refund(_ o: inout InsuranceOrder) -> InsuranceLine {
            o.state = .refunded
            o.refundNo = "R" + String(o.tradeNo.dropFirst())
            o.refundedAt = o.settledAt! + 600
            return InsuranceLine(kind: .refund, settlementID: o.settlementID!, refundNo: o.refundNo!, tradeNo: o.tradeNo,
                                 payOrderID: o.payOrderID, fundFen: o.fundFen, accountFen: o.accountFen, cashFen: 0, time: o.refundedAt!)
        }

        mutating func expect(_ kind: DifferenceKind, _ o: InsuranceOrder, refund: String? = nil, _ action: ProposedAction,
                             part: InsurancePart? = nil) {
            expected.append(ExpectedDifference(kind: kind, tradeNo: o.tradeNo, refundNo: refund, action: action, part: part))
        }

        mutating func build(settlements: Int) {
            for _ in 0..<settlements {
                var o = order()
                centre.append(settlementLine(o))
                if rng.below(100) < 5 { centre.append(refund(&o)) }
                huimin.append(o)
            }
            // Noise: settled the day before and the day after (not in this day's file), and an
            // order cancelled before it settled (nowhere in the centre's detail).
            huimin.append(order(at: start - 30))
            huimin.append(order(at: start + 86_400 + 30))
            var cancelled = order()
            cancelled.state = .cancelled
            cancelled.settlementID = nil
            cancelled.settledAt = nil
            huimin.append(cancelled)

            for _ in 0..<max(1, settlements / 1000) {
                // The centre lost a settlement: 短款.
                var o = order(); huimin.append(o); expect(.huiminOnly, o, .investigate)
                // The centre's fund part differs; then account and cash both (two differences).
                o = order(); huimin.append(o)
                var line = settlementLine(o); line.fundFen += 100; line.totalFen += 100; centre.append(line)
                expect(.amountMismatch, o, .investigate, part: .fund)
                o = order(); huimin.append(o)
                line = settlementLine(o); line.accountFen -= 1; line.cashFen += 1; centre.append(line)
                expect(.amountMismatch, o, .investigate, part: .account)
                expect(.amountMismatch, o, .investigate, part: .cash)
                // A settlement Huimin never made: 长款 at the centre.
                o = order(); centre.append(settlementLine(o)); expect(.channelOnly, o, .investigate)
                // Settled at the centre, cancelled in Huimin (its cash went back): give the parts back.
                o = order(); centre.append(settlementLine(o))
                var local = o; local.state = .cancelled; local.settlementID = nil; local.settledAt = nil; huimin.append(local)
                expect(.statusMismatch, o, .refund)
                // Settled at the centre, still pre-settled in Huimin: record it.
                o = order(); centre.append(settlementLine(o))
                local = o; local.state = .preSettled; local.settlementID = nil; local.settledAt = nil; huimin.append(local)
                expect(.statusMismatch, o, .makeUpOrder)
                // The centre reversed a settlement by itself (撤销): Huimin still counts it.
                o = order(); huimin.append(o); centre.append(settlementLine(o))
                line = settlementLine(o); line.kind = .refund; line.time += 300; centre.append(line)
                expect(.statusMismatch, o, refund: "", .makeUpOrder)
                // Huimin refunded, the centre has no refund: send it again.
                o = order(); centre.append(settlementLine(o)); _ = refund(&o); huimin.append(o)
                expect(.statusMismatch, o, refund: o.refundNo, .refund)
                // The centre refunded, Huimin did not record it.
                o = order(); huimin.append(o); centre.append(settlementLine(o))
                var copy = o; line = refund(&copy); centre.append(line)
                expect(.statusMismatch, o, refund: line.refundNo, .makeUpOrder)
            }
        }
    }
}
