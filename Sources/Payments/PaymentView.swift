import Database
import Foundation
import HuiminCore

/// A payment order as residents and cashiers see it.
public struct PaymentView: Codable, Sendable, Equatable {
    public var id: String
    public var tradeNo: String
    public var businessType: String
    public var businessRef: String
    public var hospitalCode: String
    public var channel: String
    public var description: String
    public var amountFen: Int64
    public var paidFen: Int64
    public var refundedFen: Int64
    /// Asked of the channel, not yet back with the payer.
    public var refundingFen: Int64
    public var state: String
    public var expiresAt: String
    public var paidAt: String?
    public var closedAt: String?
    public var createdAt: String
    public var refunds: [RefundView]
    /// For a bill or deposit: how its posting to the HIS (入账) stands.
    public var his: HISPostingView?
    /// For a bill paid with medical insurance: the centre's split; `amountFen` is the cash part.
    public var insurance: InsuranceView?

    public struct InsuranceView: Codable, Sendable, Equatable {
        public var payOrderId: String
        public var totalFen: Int64
        /// 统筹基金 (the fund).
        public var fundFen: Int64
        /// 个人账户 (the personal account).
        public var accountFen: Int64
        public var cashFen: Int64
        /// pre_settled, settled, cancelled or refunded.
        public var state: String
    }

    public struct HISPostingView: Codable, Sendable, Equatable {
        /// pending (being told to the HIS), posted (the HIS's receipt) or refused (the money goes back).
        public var state: String
        public var receiptNo: String?
        public var settledAt: String?
        public var attempts: Int
    }

    public struct RefundView: Codable, Sendable, Equatable {
        public var id: String
        public var refundNo: String
        public var amountFen: Int64
        public var reason: String
        public var cause: String
        public var state: String
        public var createdAt: String
        public var succeededAt: String?
    }

    init(_ order: PaymentOrderRow, refunds: [PaymentRefundRow], posting: HISPostingRow?, insurance split: InsuranceSplitRow?) {
        id = order.id
        tradeNo = order.tradeNo
        businessType = order.businessType
        businessRef = order.businessRef
        hospitalCode = order.hospitalCode
        channel = order.channel
        description = order.description
        amountFen = order.amountFen
        paidFen = order.paidFen
        refundedFen = order.refundedFen
        refundingFen = order.refundingFen
        state = order.state
        expiresAt = ISO8601.string(order.expiresAt)
        paidAt = order.paidAt.map(ISO8601.string)
        closedAt = order.closedAt.map(ISO8601.string)
        createdAt = ISO8601.string(order.createdAt)
        self.refunds = refunds.map {
            RefundView(id: $0.id, refundNo: $0.refundNo, amountFen: $0.amountFen, reason: $0.reason, cause: $0.cause, state: $0.state,
                       createdAt: ISO8601.string($0.createdAt), succeededAt: $0.succeededAt.map(ISO8601.string))
        }
        insurance = split.map {
            InsuranceView(payOrderId: $0.payOrderId, totalFen: $0.totalFen, fundFen: $0.fundFen, accountFen: $0.accountFen,
                          cashFen: $0.cashFen, state: $0.state)
        }
        his = posting.map {
            HISPostingView(state: $0.state, receiptNo: $0.receiptNo, settledAt: $0.settledAt.map(ISO8601.string), attempts: $0.attempts)
        }
    }
}
