import Database
import Foundation
import HIS
import HuiminCore

/// A clinic bill as residents see it (and as the HIS gets it back, with the code for the QR it
/// prints on the bill).
public struct BillView: Codable, Sendable, Equatable {
    public var id: String
    public var hospitalCode: String
    public var billNo: String
    /// The family member whose patient card the bill is on; nil when seen by its QR code.
    public var memberId: String?
    public var departmentName: String
    public var doctorName: String
    public var items: [BillInput.Item]
    public var totalFen: Int64
    /// unpaid, paid or withdrawn.
    public var state: String
    public var billedAt: String
    /// Only for the HIS: the token its printed QR code carries (`HUIMIN-BILL:<payCode>`).
    public var payCode: String?
    public var qrText: String?

    init(_ bill: ClinicBillRow, memberID: String?, withPayCode: Bool) {
        id = bill.id
        hospitalCode = bill.hospitalCode
        billNo = bill.billNo
        memberId = memberID
        departmentName = bill.departmentName
        doctorName = bill.doctorName
        items = (try? JSONDecoder().decode([BillInput.Item].self, from: Data(bill.items.utf8))) ?? []
        totalFen = bill.totalFen
        state = bill.state
        billedAt = ISO8601.string(bill.billedAt)
        payCode = withPayCode ? bill.payCode : nil
        qrText = withPayCode ? "HUIMIN-BILL:\(bill.payCode)" : nil
    }
}

/// A hospital stay (住院) with its deposit, as the HIS reports it; the patient's name masked.
public struct InpatientView: Codable, Sendable, Equatable {
    public var hospitalCode: String
    public var memberId: String
    public var admissionNo: String
    public var name: String
    public var department: String
    public var ward: String
    public var bed: String
    public var admittedAt: String
    /// in, or discharged.
    public var state: String
    public var depositBalanceFen: Int64
    public var chargedFen: Int64

    init(_ stay: HISInpatient, hospitalCode: String, memberID: String) {
        self.hospitalCode = hospitalCode
        memberId = memberID
        admissionNo = stay.admissionNo
        name = Masking.name(stay.name)
        department = stay.department
        ward = stay.ward
        bed = stay.bed
        admittedAt = stay.admittedAt
        state = stay.state
        depositBalanceFen = stay.depositBalanceFen
        chargedFen = stay.chargedFen
    }
}

/// 日清单 as residents read it.
public struct DailyListView: Codable, Sendable, Equatable {
    public var admissionNo: String
    public var day: String
    public var items: [Item]
    public var totalFen: Int64
    public var depositBalanceFen: Int64

    public struct Item: Codable, Sendable, Equatable {
        public var category: String
        public var code: String
        public var name: String
        public var specification: String
        public var unit: String
        public var quantity: String
        public var unitPriceFen: Int64
        public var amountFen: Int64
    }

    public init(_ list: HISDailyList) {
        admissionNo = list.admissionNo
        day = list.day
        items = list.items.map {
            Item(category: $0.category, code: $0.code, name: $0.name, specification: $0.specification, unit: $0.unit,
                 quantity: $0.quantity, unitPriceFen: $0.unitPriceFen, amountFen: $0.amountFen)
        }
        totalFen = list.totalFen
        depositBalanceFen = list.depositBalanceFen
    }
}

/// One posting to the HIS, a payment's or a refund's, as a cashier's work list shows it.
public struct HISPostingItem: Encodable, Sendable, Equatable {
    /// `payment` (入账) or `refund` (退费入账).
    public var kind: String
    public var paymentId: String
    public var tradeNo: String
    public var businessType: String
    public var businessRef: String
    public var hospitalCode: String
    public var channel: String
    public var paidFen: Int64
    public var state: String
    public var attempts: Int
    public var lastError: String?
    public var nextAttemptAt: String?
    public var receiptNo: String?
    public var refundNo: String?
    public var refundFen: Int64?

    init(posting: HISPostingRow, order: PaymentOrderRow) {
        self.init(kind: "payment", order: order, state: posting.state, attempts: posting.attempts, lastError: posting.lastError,
                  nextAttemptAt: posting.nextAttemptAt, receiptNo: posting.receiptNo)
    }

    /// A refund the HIS refused is `failed` in the database and `refused` here, as a payment's is.
    init(refundPosting posting: HISRefundPostingRow, refund: PaymentRefundRow, order: PaymentOrderRow) {
        self.init(kind: "refund", order: order, state: posting.state == "failed" ? "refused" : posting.state, attempts: posting.attempts,
                  lastError: posting.lastError, nextAttemptAt: posting.nextAttemptAt, receiptNo: posting.receiptNo)
        refundNo = refund.refundNo
        refundFen = refund.amountFen
    }

    private init(kind: String, order: PaymentOrderRow, state: String, attempts: Int, lastError: String?, nextAttemptAt: Date,
                 receiptNo: String?) {
        self.kind = kind
        paymentId = order.id
        tradeNo = order.tradeNo
        businessType = order.businessType
        businessRef = order.businessRef
        hospitalCode = order.hospitalCode
        channel = order.channel
        paidFen = order.paidFen
        self.state = state
        self.attempts = attempts
        self.lastError = lastError
        self.nextAttemptAt = state == "pending" ? ISO8601.string(nextAttemptAt) : nil
        self.receiptNo = receiptNo
    }
}
