import Foundation
import HuiminCore

/// 医疗收费项目类别 (`med_chrgitm_type`, national code list): what a bill line is. The centre's
/// reimbursement rules are written per category.
public enum InsuranceItemCategory: String, Sendable, Codable, CaseIterable {
    case bed = "01"               // 床位费
    case consultation = "02"      // 诊察费
    case examination = "03"       // 检查费
    case laboratory = "04"        // 化验费
    case treatment = "05"         // 治疗费
    case surgery = "06"           // 手术费
    case nursing = "07"           // 护理费
    case materials = "08"         // 卫生材料费
    case westernMedicine = "09"   // 西药费
    case herbalPieces = "10"      // 中药饮片费
    case patentMedicine = "11"    // 中成药费
    case generalDiagnosis = "12"  // 一般诊疗费
    case registration = "13"      // 挂号费
    case other = "14"             // 其他费
}

/// One line of the bill (费用明细): the hospital's item code and name, its category and amount.
public struct InsuranceBillItem: Sendable, Equatable {
    /// 医药机构目录编码 (the hospital's own code; the centre maps it to 医保目录编码).
    public var code: String
    public var name: String
    public var category: InsuranceItemCategory
    public var amountFen: Int64

    public init(code: String, name: String, category: InsuranceItemCategory, amountFen: Int64) {
        self.code = code
        self.name = name
        self.category = category
        self.amountFen = amountFen
    }
}

/// What `InsuranceClient.preSettle` uploads (6201) and orders (6202).
public struct InsurancePreSettlement: Sendable, Equatable {
    /// 定点医药机构编号 of the campus that bills; usually the configuration's.
    public var hospitalCode: String
    /// The hospital's bill or prescription number (处方号 / 收费批次号).
    public var billNo: String
    /// The insured person's ID-card number, sent as `idNo` with `idType` 01 (居民身份证); the
    /// centre answers the person number (`psn_no`) it knows them by.
    public var idNumber: String
    /// The resident's authorisation code from the mini-program's 医保授权 (单次有效).
    public var payAuthNo: String
    public var items: [InsuranceBillItem]
    public var totalFen: Int64
    /// Our order's trade number (`medOrgOrd` / `orgBizSer`), unique per order.
    public var tradeNo: String

    public init(hospitalCode: String, billNo: String, idNumber: String, payAuthNo: String,
                items: [InsuranceBillItem], totalFen: Int64, tradeNo: String) {
        self.hospitalCode = hospitalCode
        self.billNo = billNo
        self.idNumber = idNumber
        self.payAuthNo = payAuthNo
        self.items = items
        self.totalFen = totalFen
        self.tradeNo = tradeNo
    }
}

/// The centre's split of a bill: fund (统筹, `fund_pay_sumamt`), personal account (个人账户,
/// `acct_pay`) and cash (`psn_cash_pay`, what the resident still pays through WeChat Pay or
/// Alipay). `fundFen + accountFen + cashFen == totalFen`, always (the client checks).
public struct InsuranceSplit: Sendable, Equatable {
    /// 支付订单号 (`payOrdId`): every later call names the order by it.
    public let payOrderID: String
    /// 结算 ID (`setl_id`); the centre issues it when it settles, so a pre-settlement usually has none.
    public let settlementID: String?
    /// 就诊 ID (`mdtrt_id`).
    public let visitID: String?
    /// 人员编号 (`psn_no`).
    public let personNo: String?
    public let totalFen: Int64
    public let fundFen: Int64
    public let accountFen: Int64
    public let cashFen: Int64
}

/// One settled order as 6301 reports it.
public struct InsuranceSettlement: Sendable, Equatable {
    public let payOrderID: String
    public let settlementID: String
    public let visitID: String?
    public let personNo: String?
    public let totalFen: Int64
    public let fundFen: Int64
    public let accountFen: Int64
    public let cashFen: Int64
    /// When the centre settled (`setl_time`, Beijing wall time on the wire).
    public let settledAt: Date?
}

/// 6301's answer, by the order status (`ordStas`) it carries:
/// 0 已保存, 1 预结算完成, 2 结算中, 3 自费完成 -> `pending`; 4 医保支付完成, 5 院内结算完成,
/// 6 结算完成 -> `settled`; 7…11 (refunds) -> `refunded`; 12 已撤销, 13 医保已撤销 -> `cancelled`;
/// 14 异常, 15 结算失败, 16 -> `failed`. An unknown status is `insurance_bad_response`.
public enum InsuranceSettlementState: Sendable, Equatable {
    case pending(orderStatus: String)
    case settled(InsuranceSettlement)
    case refunded(InsuranceSettlement, orderStatus: String)
    case cancelled(orderStatus: String)
    case failed(orderStatus: String)
}

/// 6203's answer. `status` is `refStatus`: SUCC (done), FAIL (refused, nothing moved) or EXP
/// (异常: the centre does not know yet; query again).
public struct InsuranceRefund: Sendable, Equatable {
    public let payOrderID: String
    public let refundNo: String
    public let fundFen: Int64
    public let accountFen: Int64
    public let status: String
    public let refundedAt: Date?
}
