import Foundation

/// A 消费 (consume) as Huimin asks UnionPay to open it for the app / mini-program control.
public struct UnionPayOrder: Sendable, Equatable {
    /// Huimin's trade number (`orderId`): 8 to 32 letters and digits, unique per merchant.
    public var orderID: String
    /// When the order is sent (`txnTime`, Beijing `yyyyMMddHHmmss`); with `orderID` it names the
    /// transaction in queries, so keep `UnionPayCreated.txnTime`.
    public var txnTime: Date
    public var amountFen: Int64
    /// The order stops being payable at this time (`payTimeout`). UnionPay has no close API for
    /// unpaid orders: they end here.
    public var payTimeout: Date
    /// `reqReserved`: up to 32 characters echoed in notifications and the bill's 商户自定义域.
    public var reserved: String?

    public init(orderID: String, txnTime: Date, amountFen: Int64, payTimeout: Date, reserved: String? = nil) {
        self.orderID = orderID
        self.txnTime = txnTime
        self.amountFen = amountFen
        self.payTimeout = payTimeout
        self.reserved = reserved
    }
}

/// UnionPay's answer to appTransReq.do: the `tn` (受理订单号) the front end hands to the control.
public struct UnionPayCreated: Sendable, Equatable {
    public var tn: String
    public var orderID: String
    /// `txnTime` exactly as sent; queries need it.
    public var txnTime: String
    public var amountFen: Int64
    public var payTimeout: Date

    public init(tn: String, orderID: String, txnTime: String, amountFen: Int64, payTimeout: Date) {
        self.tn = tn
        self.orderID = orderID
        self.txnTime = txnTime
        self.amountFen = amountFen
        self.payTimeout = payTimeout
    }
}

/// Where a transaction stands, from queryTrans.do's `origRespCode`: `00` paid (or, for a refund,
/// refunded), `03`/`04`/`05` still in flight, anything else failed. An unpaid consume reads
/// `paying` until its payTimeout, then `failed`.
public enum UnionPayState: String, Sendable, Equatable {
    case paid, paying, failed
}

/// A transaction as queryTrans.do (txnType 00) reports it.
public struct UnionPayTransaction: Sendable, Equatable {
    public var orderID: String
    public var txnTime: String
    /// `01` consume, `04` refund (退货).
    public var txnType: String
    public var state: UnionPayState
    public var origRespCode: String
    public var origRespMsg: String?
    /// UnionPay's transaction id (`queryId`, 21 characters); a refund names its payment by it.
    public var queryID: String?
    public var amountFen: Int64?
    /// The clearing date (`settleDate`, `MMdd`): the bill the transaction is in. Clearing days end
    /// at 23:00 Beijing time, so a payment after 23:00 is in the next day's bill.
    public var settleDate: String?
    /// `traceTime` (`MMddHHmmss`) and `traceNo`: the transaction's time and trace in the bill.
    public var traceTime: String?
    public var traceNo: String?
    /// The card, masked (`accNo`).
    public var accountNo: String?
    /// `reqReserved` as sent.
    public var reserved: String?
    /// A refund's payment (`origQryId`).
    public var origQueryID: String?

    public init(orderID: String, txnTime: String, txnType: String, state: UnionPayState, origRespCode: String,
                origRespMsg: String?, queryID: String?, amountFen: Int64?, settleDate: String?, traceTime: String?,
                traceNo: String?, accountNo: String?, reserved: String?, origQueryID: String? = nil) {
        self.orderID = orderID
        self.txnTime = txnTime
        self.txnType = txnType
        self.state = state
        self.origRespCode = origRespCode
        self.origRespMsg = origRespMsg
        self.queryID = queryID
        self.amountFen = amountFen
        self.settleDate = settleDate
        self.traceTime = traceTime
        self.traceNo = traceNo
        self.accountNo = accountNo
        self.reserved = reserved
        self.origQueryID = origQueryID
    }

    public var isPaid: Bool { state == .paid }
}

/// A refund (退货, backTransReq.do txnType 04) Huimin asks for. It is a transaction of its own:
/// `orderID` is Huimin's refund number (8–32 letters and digits) and the idempotency key — asking
/// again with the same number answers the first refund.
public struct UnionPayRefundRequest: Sendable, Equatable {
    public var orderID: String
    public var txnTime: Date
    /// The payment's `queryId` (`origQryId`).
    public var origQueryID: String
    /// The payment's `orderId`, sent as `reqReserved` so the bill's refund line names its payment
    /// (the bill itself only carries origQryId).
    public var origOrderID: String
    public var amountFen: Int64

    public init(orderID: String, txnTime: Date, origQueryID: String, origOrderID: String, amountFen: Int64) {
        self.orderID = orderID
        self.txnTime = txnTime
        self.origQueryID = origQueryID
        self.origOrderID = origOrderID
        self.amountFen = amountFen
    }
}

/// A refund as backTransReq.do accepted it (`state == .paying`: accepted, the result comes by
/// notification or query) or as queryTrans.do reports it (`.paid` refunded, `.failed`).
public struct UnionPayRefund: Sendable, Equatable {
    public var orderID: String
    public var txnTime: String
    public var origQueryID: String?
    public var queryID: String?
    public var amountFen: Int64
    public var state: UnionPayState
    public var settleDate: String?

    public init(orderID: String, txnTime: String, origQueryID: String?, queryID: String?, amountFen: Int64,
                state: UnionPayState, settleDate: String?) {
        self.orderID = orderID
        self.txnTime = txnTime
        self.origQueryID = origQueryID
        self.queryID = queryID
        self.amountFen = amountFen
        self.state = state
        self.settleDate = settleDate
    }

    public var isRefunded: Bool { state == .paid }
}

/// A verified notification UnionPay posted to backUrl: the result of a consume (`txnType 01`)
/// or of a refund (`txnType 04`, with `origQueryID`). `respCode 00` is success.
public struct UnionPayNotification: Sendable, Equatable {
    public var txnType: String
    public var orderID: String
    public var txnTime: String
    public var queryID: String
    public var amountFen: Int64
    public var respCode: String
    public var respMsg: String?
    public var settleDate: String?
    public var settleAmountFen: Int64?
    public var traceTime: String?
    public var traceNo: String?
    public var origQueryID: String?
    public var accountNo: String?
    public var reserved: String?

    public init(txnType: String, orderID: String, txnTime: String, queryID: String, amountFen: Int64, respCode: String,
                respMsg: String?, settleDate: String?, settleAmountFen: Int64?, traceTime: String?, traceNo: String?,
                origQueryID: String?, accountNo: String?, reserved: String?) {
        self.txnType = txnType
        self.orderID = orderID
        self.txnTime = txnTime
        self.queryID = queryID
        self.amountFen = amountFen
        self.respCode = respCode
        self.respMsg = respMsg
        self.settleDate = settleDate
        self.settleAmountFen = settleAmountFen
        self.traceTime = traceTime
        self.traceNo = traceNo
        self.origQueryID = origQueryID
        self.accountNo = accountNo
        self.reserved = reserved
    }

    public var isRefund: Bool { txnType == "04" }
    public var succeeded: Bool { respCode == "00" }
}
