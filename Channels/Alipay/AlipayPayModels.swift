import Foundation

/// A mini-program order as Huimin asks Alipay to create it (`alipay.trade.create`).
public struct AlipayOrder: Sendable, Equatable {
    /// Huimin's trade number (`out_trade_no`): 1–64 letters, digits and underscores.
    public var outTradeNo: String
    /// Shown in the payer's bill (`subject`), at most 256 characters.
    public var subject: String
    public var amountFen: Int64
    /// The payer: an open ID (`buyer_open_id`, apps moved to open IDs) or a `2088…` user ID (`buyer_id`).
    public var buyerOpenID: String
    /// The trade stops being payable at this time (`time_expire`, Beijing wall time).
    public var expiresAt: Date
    /// Free text returned untouched in the notification (`passback_params`).
    public var passback: String?

    public init(outTradeNo: String, subject: String, amountFen: Int64, buyerOpenID: String, expiresAt: Date,
                passback: String? = nil) {
        self.outTradeNo = outTradeNo
        self.subject = subject
        self.amountFen = amountFen
        self.buyerOpenID = buyerOpenID
        self.expiresAt = expiresAt
        self.passback = passback
    }

    /// Legacy user IDs are 16 digits starting 2088; anything else is an open ID.
    var buyerIsUserID: Bool {
        buyerOpenID.count == 16 && buyerOpenID.hasPrefix("2088") && buyerOpenID.allSatisfy(\.isNumber)
    }
}

/// Alipay's answer to alipay.trade.create: the `trade_no` the mini-program passes to `my.tradePay`.
public struct AlipayCreated: Sendable, Equatable {
    public var tradeNo: String
    public var outTradeNo: String

    public init(tradeNo: String, outTradeNo: String) {
        self.tradeNo = tradeNo
        self.outTradeNo = outTradeNo
    }
}

/// A trade as alipay.trade.query reports it.
public struct AlipayTrade: Sendable, Equatable {
    public var tradeNo: String?
    public var outTradeNo: String
    /// WAIT_BUYER_PAY, TRADE_CLOSED, TRADE_SUCCESS or TRADE_FINISHED.
    public var tradeStatus: String
    public var totalFen: Int64
    /// What the merchant received (`receipt_amount`), once paid.
    public var receiptFen: Int64?
    /// What the payer paid (`buyer_pay_amount`), once paid.
    public var buyerPayFen: Int64?
    /// `send_pay_date`: when the payment was made.
    public var paidAt: Date?
    public var buyerID: String?

    public init(tradeNo: String?, outTradeNo: String, tradeStatus: String, totalFen: Int64, receiptFen: Int64?,
                buyerPayFen: Int64?, paidAt: Date?, buyerID: String?) {
        self.tradeNo = tradeNo
        self.outTradeNo = outTradeNo
        self.tradeStatus = tradeStatus
        self.totalFen = totalFen
        self.receiptFen = receiptFen
        self.buyerPayFen = buyerPayFen
        self.paidAt = paidAt
        self.buyerID = buyerID
    }

    public var isPaid: Bool { tradeStatus == "TRADE_SUCCESS" || tradeStatus == "TRADE_FINISHED" }
}

/// A refund Huimin asks for (`alipay.trade.refund`). `outRequestNo` is the idempotency key:
/// asking again with the same number answers the same refund with `fund_change=N`.
public struct AlipayRefundRequest: Sendable, Equatable {
    public var outTradeNo: String
    /// `out_request_no`, unique per refund of the trade; required for partial refunds.
    public var outRequestNo: String
    public var refundFen: Int64
    public var reason: String?

    public init(outTradeNo: String, outRequestNo: String, refundFen: Int64, reason: String? = nil) {
        self.outTradeNo = outTradeNo
        self.outRequestNo = outRequestNo
        self.refundFen = refundFen
        self.reason = reason
    }
}

/// A refund as alipay.trade.refund or alipay.trade.fastpay.refund.query report it.
public struct AlipayRefund: Sendable, Equatable {
    public var outTradeNo: String
    public var outRequestNo: String
    public var tradeNo: String?
    /// This refund's amount (`refund_amount`; for alipay.trade.refund, the amount asked for).
    public var refundFen: Int64
    /// All refunds of the trade so far (`refund_fee` of alipay.trade.refund); nil from a query.
    public var refundedTotalFen: Int64?
    /// `fund_change`: true when this call moved money, false when it answered an earlier refund
    /// of the same `out_request_no`. Nil from a query.
    public var fundChange: Bool?
    /// `refund_status` of a query: REFUND_SUCCESS (nil from alipay.trade.refund).
    public var status: String?
    /// `gmt_refund_pay`.
    public var refundedAt: Date?

    public init(outTradeNo: String, outRequestNo: String, tradeNo: String?, refundFen: Int64, refundedTotalFen: Int64?,
                fundChange: Bool?, status: String?, refundedAt: Date?) {
        self.outTradeNo = outTradeNo
        self.outRequestNo = outRequestNo
        self.tradeNo = tradeNo
        self.refundFen = refundFen
        self.refundedTotalFen = refundedTotalFen
        self.fundChange = fundChange
        self.status = status
        self.refundedAt = refundedAt
    }
}

/// A verified async notification (`notify_type=trade_status_sync`). A payment notifies
/// TRADE_SUCCESS; a partial refund notifies TRADE_SUCCESS with `refundFeeFen`, `refundedAt` and
/// `outBizNo` (its out_request_no); a full refund notifies TRADE_CLOSED with the same fields.
public struct AlipayNotification: Sendable, Equatable {
    public var notifyID: String
    public var notifyTime: Date?
    public var tradeNo: String
    public var outTradeNo: String
    public var tradeStatus: String
    public var totalFen: Int64?
    public var receiptFen: Int64?
    public var buyerPayFen: Int64?
    /// All refunds of the trade so far (`refund_fee`).
    public var refundFeeFen: Int64?
    /// The refund's `out_request_no` (`out_biz_no`).
    public var outBizNo: String?
    public var paidAt: Date?
    public var refundedAt: Date?
    public var closedAt: Date?
    public var buyerID: String?
    public var sellerID: String?
    public var passback: String?

    public init(notifyID: String, notifyTime: Date?, tradeNo: String, outTradeNo: String, tradeStatus: String,
                totalFen: Int64?, receiptFen: Int64?, buyerPayFen: Int64?, refundFeeFen: Int64?, outBizNo: String?,
                paidAt: Date?, refundedAt: Date?, closedAt: Date?, buyerID: String?, sellerID: String?, passback: String?) {
        self.notifyID = notifyID
        self.notifyTime = notifyTime
        self.tradeNo = tradeNo
        self.outTradeNo = outTradeNo
        self.tradeStatus = tradeStatus
        self.totalFen = totalFen
        self.receiptFen = receiptFen
        self.buyerPayFen = buyerPayFen
        self.refundFeeFen = refundFeeFen
        self.outBizNo = outBizNo
        self.paidAt = paidAt
        self.refundedAt = refundedAt
        self.closedAt = closedAt
        self.buyerID = buyerID
        self.sellerID = sellerID
        self.passback = passback
    }

    /// True for a refund's notification (it carries `refund_fee`/`gmt_refund`).
    public var isRefund: Bool { refundFeeFen != nil || refundedAt != nil }
}
