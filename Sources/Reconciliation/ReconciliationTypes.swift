import Foundation
import HuiminCore

/// Lines of the neighbouring days (day-1 and day+1) on each side: the cross-day (跨日) pool.
public struct NeighbourLines: Sendable {
    public var huimin: RecordBatch
    public var channelBill: RecordBatch
    public var his: RecordBatch
    /// Whether day-1 / day+1 lines were actually loaded. When one is not (e.g. the next day's
    /// bill is not out yet), one-sided lines within `crossDayWindowSeconds` of that boundary are
    /// reported as pending instead of as differences.
    public var includesPreviousDay: Bool
    public var includesNextDay: Bool

    public init(huimin: RecordBatch = RecordBatch(side: .huimin), channelBill: RecordBatch = RecordBatch(side: .channel),
                his: RecordBatch = RecordBatch(side: .his), includesPreviousDay: Bool = true, includesNextDay: Bool = true) {
        self.huimin = huimin; self.channelBill = channelBill; self.his = his
        self.includesPreviousDay = includesPreviousDay; self.includesNextDay = includesNextDay
    }
}

/// What to reconcile: one business day, merchant and channel, and the three sides' lines.
/// Lines of other merchants or channels are ignored (a HIS file covers every channel); a line
/// with an empty merchant matches any merchant.
public struct ReconciliationInput: Sendable {
    public var day: String
    public var merchant: String
    public var channel: PaymentChannel
    public var huimin: RecordBatch
    public var channelBill: RecordBatch
    public var his: RecordBatch
    public var neighbours: NeighbourLines?
    public var crossDayWindowSeconds: Int64
    /// Amount mismatches up to this many fen propose `write_off` instead of `investigate`.
    public var writeOffToleranceFen: Int64
    /// Trades the HIS refused and Huimin refunded in full: their absence from the HIS is no
    /// difference (the payment and its refund still match between Huimin and the channel).
    public var hisRefusedTrades: Set<String>

    public init(day: String, merchant: String, channel: PaymentChannel, huimin: RecordBatch, channelBill: RecordBatch,
                his: RecordBatch, neighbours: NeighbourLines? = nil, crossDayWindowSeconds: Int64 = 600,
                writeOffToleranceFen: Int64 = 0, hisRefusedTrades: Set<String> = []) {
        self.day = day; self.merchant = merchant; self.channel = channel; self.huimin = huimin
        self.channelBill = channelBill; self.his = his; self.neighbours = neighbours
        self.crossDayWindowSeconds = crossDayWindowSeconds; self.writeOffToleranceFen = writeOffToleranceFen
        self.hisRefusedTrades = hisRefusedTrades
    }
}

public enum DifferenceKind: String, Codable, Sendable, CaseIterable, Comparable {
    /// 长款: money in the channel, no Huimin order or an unpaid one.
    case channelOnly = "channel_only"
    /// 短款: Huimin says paid, the channel has nothing.
    case huiminOnly = "huimin_only"
    /// Paid, channel and Huimin agree, the HIS lacks it.
    case hisMissing = "his_missing"
    /// The HIS has a settlement neither Huimin nor the channel has.
    case hisOnly = "his_only"
    case amountMismatch = "amount_mismatch"
    /// e.g. refunded in the channel, not in Huimin; refunded in Huimin, not in the channel;
    /// paid in Huimin, revoked in the channel.
    case statusMismatch = "status_mismatch"
    /// Two successful payments for one business reference.
    case duplicatePayment = "duplicate_payment"

    public var chineseName: String {
        switch self {
        case .channelOnly: "长款"
        case .huiminOnly: "短款"
        case .hisMissing: "HIS漏账"
        case .hisOnly: "HIS单边账"
        case .amountMismatch: "金额不符"
        case .statusMismatch: "状态不符"
        case .duplicatePayment: "重复支付"
        }
    }

    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

public enum ProposedAction: String, Codable, Sendable, CaseIterable {
    /// 补推HIS
    case repostToHIS = "repost_to_his"
    /// 退款
    case refund
    /// 补单: complete Huimin's order / record the refund from the channel's facts.
    case makeUpOrder = "make_up_order"
    /// 核销/平账
    case writeOff = "write_off"
    /// 人工核查
    case investigate
}

/// Amounts as each side has them, nil where the side has no line.
public struct SideAmounts: Codable, Sendable, Equatable {
    public var huiminFen: Int64?
    public var channelFen: Int64?
    public var hisFen: Int64?
}

public struct SideStatuses: Codable, Sendable, Equatable {
    public var huimin: RecordStatus?
    public var channel: RecordStatus?
    public var his: RecordStatus?
}

public struct Difference: Codable, Sendable, Equatable {
    /// Stable: derived from day, kind, trade number and refund number.
    public var id: String
    public var day: String
    public var merchant: String
    public var channel: PaymentChannel
    public var kind: DifferenceKind
    public var movement: MovementKind
    public var tradeNo: String
    public var refundNo: String?
    public var amounts: SideAmounts
    /// For amount mismatches: the odd side's amount minus the others' (or channel minus Huimin).
    public var deltaFen: Int64?
    /// For amount mismatches: the side(s) whose amount disagrees.
    public var disagreeing: [ReconciliationSide]?
    public var statuses: SideStatuses
    /// The largest amount involved, for totals per kind.
    public var amountFen: Int64
    public var proposedAction: ProposedAction
    public var detail: String
    public var channelTradeId: String?
    public var hisSerial: String?
    public var businessRef: String?
    /// Insurance days (对明细账): the centre's settlement ID the lines were matched by.
    public var settlementId: String? = nil
    /// Insurance amount mismatches: the part that disagrees (one difference per part).
    public var part: InsurancePart? = nil

    public static func makeID(day: String, kind: DifferenceKind, tradeNo: String, refundNo: String?) -> String {
        let h = Hashing.fnv1a("\(day)|\(kind.rawValue)|\(tradeNo)|\(refundNo ?? "")")
        return "dif_" + day.replacingOccurrences(of: "-", with: "") + "_" + String(format: "%016llx", h)
    }
}

/// A line matched across a day boundary: not a difference.
public struct CrossDayMatch: Codable, Sendable, Equatable {
    public var movement: MovementKind
    public var tradeNo: String
    public var refundNo: String?
    public var huiminDay: String?
    public var channelDay: String?
    public var hisDay: String?
    /// The day whose reconciliation reports this line's differences, if any (the channel bill's
    /// day when the channel has it, else Huimin's, else the HIS's).
    public var reportedOn: String
}

/// A one-sided line near a day boundary whose neighbouring day was not loaded: decided later.
public struct PendingLine: Codable, Sendable, Equatable {
    public var movement: MovementKind
    public var tradeNo: String
    public var refundNo: String?
    public var wouldBe: DifferenceKind
    public var waitingFor: String
}

public struct CountAmount: Codable, Sendable, Equatable {
    public var count = 0
    public var amountFen: Int64 = 0
    mutating func add(_ fen: Int64) { count += 1; amountFen += fen }
}

/// One side's totals for the day (payments that succeeded; refunds accepted).
public struct SideTotals: Codable, Sendable, Equatable {
    public var payments = CountAmount()
    public var refunds = CountAmount()
    public var feeFen: Int64 = 0
    public var netFen: Int64 { payments.amountFen - refunds.amountFen }

    enum CodingKeys: String, CodingKey { case payments, refunds, feeFen, netFen }
    public init() {}
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        payments = try c.decode(CountAmount.self, forKey: .payments)
        refunds = try c.decode(CountAmount.self, forKey: .refunds)
        feeFen = try c.decode(Int64.self, forKey: .feeFen)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(payments, forKey: .payments); try c.encode(refunds, forKey: .refunds)
        try c.encode(feeFen, forKey: .feeFen); try c.encode(netFen, forKey: .netFen)
    }
}

public struct DifferenceTotal: Codable, Sendable, Equatable {
    public var kind: DifferenceKind
    public var count: Int
    public var amountFen: Int64
}

/// The day's figures for one merchant and channel, ready for charts.
public struct ReconciliationSummary: Codable, Sendable, Equatable {
    public var day: String
    public var merchant: String
    public var channel: PaymentChannel
    public var huimin: SideTotals
    public var channelBill: SideTotals
    public var his: SideTotals
    /// Lines (payments and refunds) of this day that agree on all sides.
    public var matched: Int
    /// Of those, matched with a line of a neighbouring day.
    public var matchedCrossDay: Int
    public var pending: Int
    /// Every kind, in a fixed order, zero counts included.
    public var differences: [DifferenceTotal]
    /// Insurance days: fund, personal account and cash per side (`huimin` and `channelBill` hold
    /// the settlements' totals, the centre being the insurance merchant's channel).
    public var insurance: InsuranceSummary? = nil
}

public struct ReconciliationResult: Codable, Sendable, Equatable {
    public var day: String
    public var merchant: String
    public var channel: PaymentChannel
    /// Sorted by kind (in DifferenceKind order), trade number, refund number.
    public var differences: [Difference]
    /// Sorted by trade number, refund number.
    public var crossDayMatches: [CrossDayMatch]
    public var pending: [PendingLine]
    public var summary: ReconciliationSummary
}
