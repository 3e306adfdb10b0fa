import Foundation
import GRDB

/// A clinic bill (门诊待缴费单) the HIS pushed for one of its patients.
public struct ClinicBillRow: Codable, Sendable, FetchableRecord, PersistableRecord, Equatable {
    public static let databaseTableName = "clinic_bill"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: String
    public var hospitalCode: String
    public var billNo: String
    /// The HIS's patient ID; residents reach it through their patient cards.
    public var patientId: String
    public var departmentName: String
    public var doctorName: String
    /// The item lines as pushed, a JSON array.
    public var items: String
    public var totalFen: Int64
    public var state: String
    public var billedAt: Date
    public var payCode: String
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, hospitalCode: String, billNo: String, patientId: String, departmentName: String, doctorName: String,
                items: String, totalFen: Int64, state: String, billedAt: Date, payCode: String, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.hospitalCode = hospitalCode
        self.billNo = billNo
        self.patientId = patientId
        self.departmentName = departmentName
        self.doctorName = doctorName
        self.items = items
        self.totalFen = totalFen
        self.state = state
        self.billedAt = billedAt
        self.payCode = payCode
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Which hospital stay a deposit order tops up.
public struct DepositTopUpRow: Codable, Sendable, FetchableRecord, PersistableRecord, Equatable {
    public static let databaseTableName = "deposit_topup"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var orderId: String
    public var hospitalCode: String
    public var admissionNo: String
    public var patientId: String
}

/// A paid registration, bill or deposit on its way into the HIS.
public struct HISPostingRow: Codable, Sendable, FetchableRecord, PersistableRecord, Equatable {
    public static let databaseTableName = "his_posting"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var orderId: String
    public var state: String
    public var receiptNo: String?
    public var settledAt: Date?
    public var attempts: Int
    public var lastError: String?
    public var nextAttemptAt: Date
    public var createdAt: Date
    public var updatedAt: Date
}

/// A refund of a booked payment on its way into the HIS (退费入账); `failed` when the HIS refused it.
public struct HISRefundPostingRow: Codable, Sendable, FetchableRecord, PersistableRecord, Equatable {
    public static let databaseTableName = "his_refund_posting"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var refundId: String
    public var orderId: String
    public var state: String
    public var receiptNo: String?
    public var attempts: Int
    public var lastError: String?
    public var nextAttemptAt: Date
    public var createdAt: Date
    public var updatedAt: Date
}

/// The medical-insurance centre's split of an order (医保移动支付): the order's amount is `cashFen`.
public struct InsuranceSplitRow: Codable, Sendable, FetchableRecord, PersistableRecord, Equatable {
    public static let databaseTableName = "insurance_split"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var orderId: String
    public var payOrderId: String
    public var totalFen: Int64
    public var fundFen: Int64
    public var accountFen: Int64
    public var cashFen: Int64
    public var state: String
    public var settlementId: String?
    /// The centre's settlement time (6301 `setl_time`), and its refund of the insurance parts
    /// (6203): what the day's 医保对明细账 places them by.
    public var settledAt: Date?
    public var refundNo: String?
    public var refundedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(orderId: String, payOrderId: String, totalFen: Int64, fundFen: Int64, accountFen: Int64, cashFen: Int64,
                state: String, settlementId: String?, settledAt: Date? = nil, refundNo: String? = nil, refundedAt: Date? = nil,
                createdAt: Date, updatedAt: Date) {
        self.orderId = orderId
        self.payOrderId = payOrderId
        self.totalFen = totalFen
        self.fundFen = fundFen
        self.accountFen = accountFen
        self.cashFen = cashFen
        self.state = state
        self.settlementId = settlementId
        self.settledAt = settledAt
        self.refundNo = refundNo
        self.refundedAt = refundedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
