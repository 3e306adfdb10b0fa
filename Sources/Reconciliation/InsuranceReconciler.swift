import Foundation
import HuiminCore

/// What to reconcile on an insurance day: the centre's detail and Huimin's insurance orders.
public struct InsuranceReconciliationInput: Sendable {
    public var day: String
    /// The insurance merchant's number: the designated institution's code at the centre.
    public var merchant: String
    /// The centre's lines; lines of other days are ignored (a file covers one clearing day).
    public var centre: [InsuranceLine]
    /// Huimin's insurance orders whose settlement or refund may fall on the day or its neighbours:
    /// a line of a neighbouring day matching one of the day is a cross-day match, not a difference.
    public var huimin: [InsuranceOrder]
    /// Part mismatches up to this many fen propose `write_off` instead of `investigate`.
    public var writeOffToleranceFen: Int64

    public init(day: String, merchant: String, centre: [InsuranceLine], huimin: [InsuranceOrder], writeOffToleranceFen: Int64 = 0) {
        self.day = day; self.merchant = merchant; self.centre = centre; self.huimin = huimin
        self.writeOffToleranceFen = writeOffToleranceFen
    }
}

/// 医保对明细账: Huimin's insurance settlements and refunds matched with the centre's by
/// settlement ID (a refund by settlement ID and refund number). Small volumes (a hospital's
/// mobile-payment settlements of a day), so plain dictionaries, unlike the channel matcher.
///
/// - both sides: each part (fund, account, cash) that differs is an `amount_mismatch` of its own;
/// - the centre only: `channel_only` (长款 at the centre), or `status_mismatch` when Huimin has
///   the order (by `pay_ord_id` or trade number) but never settled it (cancelled: give the
///   insurance parts back; pre-settled: record the settlement);
/// - Huimin only: `huimin_only` (短款); a refund Huimin made that the centre lacks is a
///   `status_mismatch` to send again (6203 is idempotent on the refund number); a reversal the
///   centre has and Huimin lacks (its refund, or the centre's own 撤销 of a settlement Huimin
///   still counts) is a `status_mismatch` to record.
public enum InsuranceReconciler {
    public static func reconcile(_ input: InsuranceReconciliationInput) -> ReconciliationResult {
        let dayNumber = DayNumber.parse(input.day) ?? 0
        let onDay = { (line: InsuranceLine) in DayNumber.of(epochSeconds: line.time) == dayNumber }
        let key = { (line: InsuranceLine) in "\(line.kind.rawValue)|\(line.settlementID)|\(line.refundNo)" }
        let huiminLines = input.huimin.flatMap(\.lines)
        let huiminByKey = Dictionary(huiminLines.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        let centreByKey = Dictionary(input.centre.map { (key($0), $0) }, uniquingKeysWith: { first, _ in first })
        var ordersByRef: [String: InsuranceOrder] = [:]
        for order in input.huimin {
            ordersByRef["pay|" + order.payOrderID] = order
            ordersByRef["trade|" + order.tradeNo] = order
        }
        var differences: [Difference] = []
        var crossDay: [CrossDayMatch] = []
        var matched = 0, matchedCrossDay = 0
        var summary = InsuranceSummary(huimin: InsurancePartTotals(), centre: InsurancePartTotals())

        func report(_ kind: DifferenceKind, _ action: ProposedAction, _ detail: String, line: InsuranceLine,
                    huimin: InsuranceLine?, centre: InsuranceLine?, part: InsurancePart? = nil) {
            let amount = { (l: InsuranceLine?) in l.map { part.map($0.amount) ?? $0.totalFen } }
            let delta = part.flatMap { p in centre.flatMap { c in huimin.map { c.amount(p) - $0.amount(p) } } }
            let refundNo: String? = line.kind == .refund ? line.refundNo : nil
            let tradeNo = huimin?.tradeNo ?? (line.tradeNo.isEmpty ? line.settlementID : line.tradeNo)
            differences.append(Difference(
                id: Difference.makeID(day: input.day, kind: kind, tradeNo: "insurance|\(line.settlementID)|\(part?.rawValue ?? "")",
                                      refundNo: refundNo),
                day: input.day, merchant: input.merchant, channel: .insurance, kind: kind, movement: line.kind, tradeNo: tradeNo,
                refundNo: refundNo, amounts: SideAmounts(huiminFen: amount(huimin), channelFen: amount(centre), hisFen: nil),
                deltaFen: delta, disagreeing: part == nil ? nil : [.channel], statuses: SideStatuses(
                    huimin: huimin == nil ? nil : .success, channel: centre == nil ? nil : .success, his: nil),
                amountFen: delta.map { abs($0) } ?? max(amount(huimin) ?? 0, amount(centre) ?? 0), proposedAction: action,
                detail: detail, channelTradeId: centre?.payOrderID.nilIfEmpty, hisSerial: nil, businessRef: nil,
                settlementId: line.settlementID, part: part))
        }

        for centre in input.centre where onDay(centre) {
            summary.centre.add(centre)
            let label = centre.kind == .payment ? "settlement" : "reversal"
            guard let huimin = huiminByKey[key(centre)] else {
                let order = ordersByRef["pay|" + centre.payOrderID] ?? ordersByRef["trade|" + centre.tradeNo]
                if centre.kind == .refund {
                    report(.statusMismatch, .makeUpOrder, centre.refundNo.isEmpty
                        ? "The centre reversed this settlement (撤销); Huimin still counts it settled."
                        : "The centre refunded the insurance parts (6203); Huimin has no such refund.",
                        line: centre, huimin: nil, centre: centre)
                } else if let order, order.state == .cancelled {
                    report(.statusMismatch, .refund, "Settled at the centre; Huimin cancelled the order and sent the cash back: "
                        + "give the fund and account parts back.", line: centre, huimin: nil, centre: centre)
                } else if let order, order.state == .preSettled {
                    report(.statusMismatch, .makeUpOrder, "Settled at the centre; Huimin's order is still pre-settled.",
                           line: centre, huimin: nil, centre: centre)
                } else {
                    report(.channelOnly, .investigate, "The centre has a \(label) Huimin never made.",
                           line: centre, huimin: nil, centre: centre)
                }
                continue
            }
            let isCross = !onDay(huimin)
            if isCross {
                crossDay.append(CrossDayMatch(movement: centre.kind, tradeNo: huimin.tradeNo,
                                              refundNo: centre.kind == .refund ? centre.refundNo : nil, huiminDay: huimin.day,
                                              channelDay: centre.day, hisDay: nil, reportedOn: centre.day))
            }
            let disagreeing = InsurancePart.allCases.filter { centre.amount($0) != huimin.amount($0) }
            for part in disagreeing {
                let delta = abs(centre.amount(part) - huimin.amount(part))
                report(.amountMismatch, delta <= input.writeOffToleranceFen ? .writeOff : .investigate,
                       "The centre and Huimin disagree on the \(part.rawValue) (\(part.chineseName)) part of the \(label).",
                       line: centre, huimin: huimin, centre: centre, part: part)
            }
            if disagreeing.isEmpty {
                matched += 1
                if isCross { matchedCrossDay += 1 }
            }
        }
        for huimin in huiminLines where onDay(huimin) {
            summary.huimin.add(huimin)
            guard centreByKey[key(huimin)] == nil else { continue }
            if huimin.kind == .refund {
                report(.statusMismatch, .refund, "Refunded in Huimin; the centre has no such refund: send 6203 again "
                    + "(same refund number).", line: huimin, huimin: huimin, centre: nil)
            } else {
                report(.huiminOnly, .investigate, "Huimin counts this settlement; the centre's detail does not have it.",
                       line: huimin, huimin: huimin, centre: nil)
            }
        }

        differences.sort { ($0.kind, $0.tradeNo, $0.refundNo ?? "", $0.part?.rawValue ?? "")
            < ($1.kind, $1.tradeNo, $1.refundNo ?? "", $1.part?.rawValue ?? "") }
        crossDay.sort { ($0.tradeNo, $0.refundNo ?? "") < ($1.tradeNo, $1.refundNo ?? "") }
        let byKind = DifferenceKind.allCases.map { k in
            let list = differences.filter { $0.kind == k }
            return DifferenceTotal(kind: k, count: list.count, amountFen: list.reduce(0) { $0 + $1.amountFen })
        }
        let result = ReconciliationSummary(
            day: input.day, merchant: input.merchant, channel: .insurance, huimin: summary.huimin.sideTotals,
            channelBill: summary.centre.sideTotals, his: SideTotals(), matched: matched, matchedCrossDay: matchedCrossDay,
            pending: 0, differences: byKind, insurance: summary)
        return ReconciliationResult(day: input.day, merchant: input.merchant, channel: .insurance, differences: differences,
                                    crossDayMatches: crossDay, pending: [], summary: result)
    }
}
