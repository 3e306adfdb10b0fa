import Foundation

/// What the HIS hands back for a settlement it made: its settlement serial (结算流水号) and when it
/// settled. The same trade (or refund) number always gets the same receipt.
public struct HISReceipt: Sendable, Equatable {
    public let receiptNo: String
    public let settledAt: Date

    public init(receiptNo: String, settledAt: Date) {
        self.receiptNo = receiptNo
        self.settledAt = settledAt
    }
}

/// An online payment of a clinic bill (门诊缴费). `amountFen` is what moved through `channel`
/// (the self-paid part); with the two insurance parts it must add up to the bill's total.
public struct HISBillPayment: Sendable {
    public var billNo: String
    public var patientID: String
    /// Huimin's `out_trade_no`.
    public var tradeNo: String
    /// `wechat`, `alipay`, `unionpay` or `insurance`.
    public var channel: String
    public var amountFen: Int64
    /// 医保统筹支付.
    public var insuranceFundFen: Int64
    /// 医保个人账户支付.
    public var insuranceAccountFen: Int64
    public var paidAt: Date

    public init(billNo: String, patientID: String, tradeNo: String, channel: String, amountFen: Int64,
                insuranceFundFen: Int64 = 0, insuranceAccountFen: Int64 = 0, paidAt: Date) {
        self.billNo = billNo
        self.patientID = patientID
        self.tradeNo = tradeNo
        self.channel = channel
        self.amountFen = amountFen
        self.insuranceFundFen = insuranceFundFen
        self.insuranceAccountFen = insuranceAccountFen
        self.paidAt = paidAt
    }
}

/// An admission (住院) as the HIS reports it. `depositBalanceFen` is the 预交金 left after the
/// charges so far; it can be negative (欠费).
public struct HISInpatient: Sendable, Equatable {
    /// 住院号.
    public let admissionNo: String
    public let patientID: String
    public let name: String
    public let department: String
    public let ward: String
    public let bed: String
    /// `YYYY-MM-DD`.
    public let admittedAt: String
    /// `in` or `discharged`.
    public let state: String
    public let depositBalanceFen: Int64
    public let chargedFen: Int64

    public init(admissionNo: String, patientID: String, name: String, department: String, ward: String, bed: String,
                admittedAt: String, state: String, depositBalanceFen: Int64, chargedFen: Int64) {
        self.admissionNo = admissionNo
        self.patientID = patientID
        self.name = name
        self.department = department
        self.ward = ward
        self.bed = bed
        self.admittedAt = admittedAt
        self.state = state
        self.depositBalanceFen = depositBalanceFen
        self.chargedFen = chargedFen
    }
}

/// An online deposit top-up (住院预缴).
public struct HISDepositTopUp: Sendable {
    public var admissionNo: String
    public var patientID: String
    public var tradeNo: String
    public var channel: String
    public var amountFen: Int64
    public var paidAt: Date

    public init(admissionNo: String, patientID: String, tradeNo: String, channel: String, amountFen: Int64,
                paidAt: Date) {
        self.admissionNo = admissionNo
        self.patientID = patientID
        self.tradeNo = tradeNo
        self.channel = channel
        self.amountFen = amountFen
        self.paidAt = paidAt
    }
}

/// The receipt of a top-up and the deposit balance right after it (a repeated top-up answers the
/// first answer again).
public struct HISDepositReceipt: Sendable, Equatable {
    public let receipt: HISReceipt
    public let balanceFen: Int64

    public init(receipt: HISReceipt, balanceFen: Int64) {
        self.receipt = receipt
        self.balanceFen = balanceFen
    }
}

/// 住院日清单: what an admission was charged on one day.
public struct HISDailyList: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        /// 西药费, 检查费, 床位费, …
        public let category: String
        public let code: String
        public let name: String
        public let specification: String
        public let unit: String
        /// A decimal string (`0.5`, `2`).
        public let quantity: String
        public let unitPriceFen: Int64
        public let amountFen: Int64

        public init(category: String, code: String, name: String, specification: String, unit: String,
                    quantity: String, unitPriceFen: Int64, amountFen: Int64) {
            self.category = category
            self.code = code
            self.name = name
            self.specification = specification
            self.unit = unit
            self.quantity = quantity
            self.unitPriceFen = unitPriceFen
            self.amountFen = amountFen
        }
    }

    public let admissionNo: String
    /// `YYYY-MM-DD`.
    public let day: String
    public let items: [Item]
    public let totalFen: Int64
    public let depositBalanceFen: Int64

    public init(admissionNo: String, day: String, items: [Item], totalFen: Int64, depositBalanceFen: Int64) {
        self.admissionNo = admissionNo
        self.day = day
        self.items = items
        self.totalFen = totalFen
        self.depositBalanceFen = depositBalanceFen
    }
}
