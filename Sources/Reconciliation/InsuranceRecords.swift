import Foundation
import HuiminCore

/// The three parts a medical-insurance settlement (医保移动支付) splits a bill into.
public enum InsurancePart: String, Codable, Sendable, CaseIterable {
    /// 统筹基金 (`fund_pay_sumamt`).
    case fund
    /// 个人账户 (`acct_pay`).
    case account
    /// 现金 (`psn_cash_pay`): collected by WeChat Pay or Alipay, reconciled against that channel too.
    case cash

    public var chineseName: String {
        switch self {
        case .fund: "统筹"
        case .account: "个账"
        case .cash: "现金"
        }
    }
}

/// One line of the insurance centre's daily detail (对明细账): a settlement (`refd_setl_flag` 0)
/// or a reversal of one (`refd_setl_flag` 1: a 6203 refund, or the centre's own 撤销). Amounts
/// are magnitudes in fen: the file writes a reversal's as negative numbers, the parser turns them
/// round so both sides compare the same way.
public struct InsuranceLine: Sendable, Equatable, Codable {
    public var kind: MovementKind
    /// 结算 ID (`setl_id`): what the two sides are matched by.
    public var settlementID: String
    /// 应用退费流水号 (`app_refd_sn`) of a refund; empty for a settlement, and for a reversal the
    /// centre made by itself.
    public var refundNo: String
    /// 医药机构结算 ID (`medins_setl_id`): Huimin's trade number, when the centre states it.
    public var tradeNo: String
    /// 支付订单号 (`pay_ord_id`).
    public var payOrderID: String
    public var totalFen: Int64
    public var fundFen: Int64
    public var accountFen: Int64
    public var cashFen: Int64
    /// Epoch seconds of `setl_time` (Beijing wall time in the file).
    public var time: Int64
    /// 1-based line in the file, 0 when not from a file.
    public var line: Int

    public init(kind: MovementKind, settlementID: String, refundNo: String = "", tradeNo: String = "", payOrderID: String = "",
                fundFen: Int64, accountFen: Int64, cashFen: Int64, time: Int64, line: Int = 0) {
        self.kind = kind; self.settlementID = settlementID; self.refundNo = refundNo; self.tradeNo = tradeNo
        self.payOrderID = payOrderID; self.fundFen = fundFen; self.accountFen = accountFen; self.cashFen = cashFen
        totalFen = fundFen + accountFen + cashFen
        self.time = time; self.line = line
    }

    public var day: String { DayNumber.string(DayNumber.of(epochSeconds: time)) }

    func amount(_ part: InsurancePart) -> Int64 {
        switch part {
        case .fund: fundFen
        case .account: accountFen
        case .cash: cashFen
        }
    }
}

/// Huimin's own record of one insurance order (the `insurance_split` of a payment order), as the
/// matcher needs it: its settlement, and the refund of its insurance parts if they went back.
public struct InsuranceOrder: Sendable, Equatable {
    public enum State: String, Sendable {
        case preSettled = "pre_settled", settled, cancelled, refunded
    }

    public var payOrderID: String
    public var tradeNo: String
    public var state: State
    public var settlementID: String?
    public var fundFen: Int64
    public var accountFen: Int64
    public var cashFen: Int64
    /// The centre's settlement time as 6301 reported it (epoch seconds).
    public var settledAt: Int64?
    public var refundNo: String?
    /// The centre's time of the 6203 refund (epoch seconds).
    public var refundedAt: Int64?

    public init(payOrderID: String, tradeNo: String, state: State, settlementID: String?, fundFen: Int64, accountFen: Int64,
                cashFen: Int64, settledAt: Int64?, refundNo: String? = nil, refundedAt: Int64? = nil) {
        self.payOrderID = payOrderID; self.tradeNo = tradeNo; self.state = state; self.settlementID = settlementID
        self.fundFen = fundFen; self.accountFen = accountFen; self.cashFen = cashFen; self.settledAt = settledAt
        self.refundNo = refundNo; self.refundedAt = refundedAt
    }

    /// Huimin's lines: the settlement, and the refund. Huimin gives the insurance parts back whole
    /// (`releaseInsurance` refunds all of fund and account), so a refund line carries both in full
    /// and no cash (the cash went back through its channel).
    var lines: [InsuranceLine] {
        guard let settlementID, let settledAt, state == .settled || state == .refunded else { return [] }
        var out = [InsuranceLine(kind: .payment, settlementID: settlementID, tradeNo: tradeNo, payOrderID: payOrderID,
                                 fundFen: fundFen, accountFen: accountFen, cashFen: cashFen, time: settledAt)]
        if state == .refunded, let refundedAt {
            out.append(InsuranceLine(kind: .refund, settlementID: settlementID, refundNo: refundNo ?? "", tradeNo: tradeNo,
                                     payOrderID: payOrderID, fundFen: fundFen, accountFen: accountFen, cashFen: 0, time: refundedAt))
        }
        return out
    }
}

/// Totals of one side's insurance lines of the day, per part.
public struct InsurancePartTotals: Codable, Sendable, Equatable {
    public var settlements = 0
    public var totalFen: Int64 = 0
    public var fundFen: Int64 = 0
    public var accountFen: Int64 = 0
    public var cashFen: Int64 = 0
    public var refunds = 0
    public var refundFundFen: Int64 = 0
    public var refundAccountFen: Int64 = 0
    public var refundCashFen: Int64 = 0

    public init() {}

    mutating func add(_ line: InsuranceLine) {
        if line.kind == .payment {
            settlements += 1; totalFen += line.totalFen
            fundFen += line.fundFen; accountFen += line.accountFen; cashFen += line.cashFen
        } else {
            refunds += 1
            refundFundFen += line.fundFen; refundAccountFen += line.accountFen; refundCashFen += line.cashFen
        }
    }

    /// As the channel summaries count: payments, refunds and their amounts (all parts together).
    var sideTotals: SideTotals {
        var t = SideTotals()
        t.payments = CountAmount(count: settlements, amountFen: totalFen)
        t.refunds = CountAmount(count: refunds, amountFen: refundFundFen + refundAccountFen + refundCashFen)
        return t
    }
}

/// The insurance day's totals per part on both sides, beside the summary's side totals.
public struct InsuranceSummary: Codable, Sendable, Equatable {
    public var huimin: InsurancePartTotals
    public var centre: InsurancePartTotals
}
