import Foundation

/// A JSAPI / mini-program order as Huimin asks WeChat Pay to create it
/// (`POST /v3/pay/transactions/jsapi`).
public struct WeChatPayOrder: Sendable, Equatable {
    /// Huimin's trade number (`out_trade_no`): 6–32 of digits, letters and `_-|*`.
    public var outTradeNo: String
    /// Shown in the payer's bill, at most 127 characters.
    public var description: String
    public var amountFen: Int64
    public var payerOpenID: String
    /// The order stops being payable at this time (`time_expire`).
    public var expiresAt: Date
    public var attach: String?

    public init(outTradeNo: String, description: String, amountFen: Int64, payerOpenID: String, expiresAt: Date, attach: String? = nil) {
        self.outTradeNo = outTradeNo
        self.description = description
        self.amountFen = amountFen
        self.payerOpenID = payerOpenID
        self.expiresAt = expiresAt
        self.attach = attach
    }
}

/// What the mini-program needs to open WeChat's cashier: the prepay ID and the signed parameters
/// for `wx.requestPayment`.
public struct WeChatPayPrepay: Sendable, Equatable {
    public var prepayID: String
    /// `timeStamp`, `nonceStr`, `package`, `signType`, `paySign` (and `appId`).
    public var requestPayment: [String: String]

    public init(prepayID: String, requestPayment: [String: String]) {
        self.prepayID = prepayID
        self.requestPayment = requestPayment
    }
}

/// A transaction as WeChat Pay reports it (query answer or the decrypted payment notification).
public struct WeChatPayTransaction: Sendable, Equatable {
    public var outTradeNo: String
    public var transactionID: String?
    /// SUCCESS, REFUND, NOTPAY, CLOSED, REVOKED, USERPAYING or PAYERROR.
    public var tradeState: String
    public var amountFen: Int64
    public var payerFen: Int64?
    public var successTime: Date?
    public var payerOpenID: String?

    public init(outTradeNo: String, transactionID: String?, tradeState: String, amountFen: Int64, payerFen: Int64?,
                successTime: Date?, payerOpenID: String?) {
        self.outTradeNo = outTradeNo
        self.transactionID = transactionID
        self.tradeState = tradeState
        self.amountFen = amountFen
        self.payerFen = payerFen
        self.successTime = successTime
        self.payerOpenID = payerOpenID
    }
}

/// A refund Huimin asks for (`POST /v3/refund/domestic/refunds`). The refund number is the
/// idempotency key: asking again with the same number never refunds twice.
public struct WeChatPayRefundRequest: Sendable, Equatable {
    public var outTradeNo: String
    public var outRefundNo: String
    public var refundFen: Int64
    public var totalFen: Int64
    /// Shown to the payer, at most 80 characters.
    public var reason: String?

    public init(outTradeNo: String, outRefundNo: String, refundFen: Int64, totalFen: Int64, reason: String?) {
        self.outTradeNo = outTradeNo
        self.outRefundNo = outRefundNo
        self.refundFen = refundFen
        self.totalFen = totalFen
        self.reason = reason
    }
}

/// A refund as WeChat Pay reports it (refund answer, query or the decrypted refund notification).
public struct WeChatPayRefund: Sendable, Equatable {
    public var outRefundNo: String
    public var refundID: String?
    public var outTradeNo: String
    /// SUCCESS, CLOSED, PROCESSING or ABNORMAL.
    public var status: String
    public var refundFen: Int64
    public var totalFen: Int64
    public var successTime: Date?

    public init(outRefundNo: String, refundID: String?, outTradeNo: String, status: String, refundFen: Int64, totalFen: Int64,
                successTime: Date?) {
        self.outRefundNo = outRefundNo
        self.refundID = refundID
        self.outTradeNo = outTradeNo
        self.status = status
        self.refundFen = refundFen
        self.totalFen = totalFen
        self.successTime = successTime
    }
}

/// A verified, decrypted notification.
public enum WeChatPayNotification: Sendable, Equatable {
    case transaction(id: String, WeChatPayTransaction)
    case refund(id: String, WeChatPayRefund)
}
