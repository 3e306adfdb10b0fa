import Database
import Foundation
import HIS
import HuiminCore
import Insurance
import Logging

/// Clinic bills (门诊缴费) and inpatient deposits (住院预缴金): the HIS pushes what a patient owes,
/// the resident (or anyone holding the printed bill's QR code) pays it through a channel, and the
/// payment is posted to the HIS until it answers. A HIS that refuses (the bill was paid at the
/// window meanwhile) gets the money sent back.
public struct BillingService: Sendable {
    let payments: PaymentService
    var bills: BillStore { payments.bills }
    var his: HISClient { payments.his }
    /// How long a bill or deposit order may be paid: no place is held, so a generous while.
    static let orderLifetime: TimeInterval = 30 * 60
    /// The most one top-up may be (¥50,000): more goes through the hospital's cashier.
    static let maxDepositFen: Int64 = 5_000_000

    public init(payments: PaymentService) {
        self.payments = payments
    }

    // MARK: The HIS pushes

    public func push(hospitalCode: String, billNo: String, _ input: BillInput) async throws -> (bill: BillView, created: Bool) {
        let now = payments.clock.now()
        let row = try input.row(hospitalCode: hospitalCode, billNo: billNo, payCode: Hex.encode(randomBytes(16)), now: now)
        let pushed = try await bills.push(row, now: now)
        if case .created = pushed { return (BillView(pushed.bill, memberID: nil, withPayCode: true), true) }
        return (BillView(pushed.bill, memberID: nil, withPayCode: true), false)
    }

    public func withdraw(hospitalCode: String, billNo: String) async throws -> BillView {
        BillView(try await bills.withdraw(hospitalCode: hospitalCode, billNo: billNo, now: payments.clock.now()), memberID: nil,
                 withPayCode: true)
    }

    // MARK: Residents

    public func bills(accountID: String) async throws -> [BillView] {
        try await bills.bills(accountID: accountID).map { BillView($0.bill, memberID: $0.holder.memberID, withPayCode: false) }
    }

    public func bill(accountID: String, billID: String) async throws -> BillView {
        let (bill, holder) = try await owned(accountID: accountID, billID: billID)
        return BillView(bill, memberID: holder.memberID, withPayCode: false)
    }

    /// The bill behind a printed QR code (扫码付): anyone signed in may see what it is for and pay
    /// it, as a relative paying at the bedside would. It names no patient.
    public func scanned(payCode: String) async throws -> BillView {
        BillView(try await scannedBill(payCode), memberID: nil, withPayCode: false)
    }

    /// Paying with medical insurance (医保移动支付): the resident's authorisation from the centre's
    /// mini-program page, and how to read the insured member's ID number (never shown or kept here).
    public struct InsuredPayment: Sendable {
        public var payAuthNo: String
        public var idNumber: @Sendable (_ memberID: String) async throws -> String

        public init(payAuthNo: String, idNumber: @escaping @Sendable (_ memberID: String) async throws -> String) {
            self.payAuthNo = payAuthNo
            self.idNumber = idNumber
        }
    }

    public func payBill(accountID: String, payer: PaymentService.Payer, billID: String, channel: String, insured: InsuredPayment? = nil,
                        idempotencyKey: String?) async throws -> (checkout: PaymentService.Checkout, created: Bool) {
        let (bill, holder) = try await owned(accountID: accountID, billID: billID)
        return try await payments.pay(accountID: accountID, payer: payer, channel: channel, idempotencyKey: idempotencyKey,
                                      what: "clinic_bill\u{1F}\(billID)\u{1F}\(insured == nil ? "self" : "insured")") { request, now in
            guard let insured else {
                return try await payments.store.openBillOrder(request, billID: billID, businessType: "clinic_bill", personID: holder.personID,
                                                              lifetime: Self.orderLifetime, now: now)
            }
            let split = try await preSettle(bill, tradeNo: request.tradeNo, memberID: holder.memberID, insured: insured, now: now)
            do {
                let opened = try await payments.store.openBillOrder(request, billID: billID, businessType: "clinic_bill",
                                                                    personID: holder.personID, lifetime: Self.orderLifetime,
                                                                    insurance: split, now: now)
                if opened.order.id != request.orderID { try? await payments.insurance?.cancel(payOrderID: split.payOrderId) }
                return opened
            } catch {
                try? await payments.insurance?.cancel(payOrderID: split.payOrderId)
                throw error
            }
        }
    }

    /// Asks the centre to split the bill; the cash part is what the channel will collect.
    private func preSettle(_ bill: ClinicBillRow, tradeNo: String, memberID: String, insured: InsuredPayment,
                           now: Date) async throws -> InsuranceSplitRow {
        guard let insurance = payments.insurance else { throw PaymentService.notConfigured("insurance") }
        guard (1...64).contains(insured.payAuthNo.count) else {
            throw AppError.invalid("pay_auth_no_invalid", "Give the payAuthNo the medical-insurance authorisation returned.")
        }
        // The hospital's insurance "merchant" is its 定点医药机构编码 at the centre.
        guard let designated = try await payments.store.merchants(hospitalCode: bill.hospitalCode)
            .first(where: { $0.channel == "insurance" && $0.campusId.isEmpty }) else {
            throw AppError.rule("insurance_not_available", "This hospital takes no medical-insurance payments online.")
        }
        let items = BillView(bill, memberID: nil, withPayCode: false).items.map {
            InsuranceBillItem(code: $0.code, name: $0.name, category: Self.insuranceCategory($0.category), amountFen: $0.amount_fen)
        }
        let split = try await insurance.preSettle(InsurancePreSettlement(
            hospitalCode: designated.merchantNo, billNo: bill.billNo, idNumber: try await insured.idNumber(memberID),
            payAuthNo: insured.payAuthNo, items: items, totalFen: bill.totalFen, tradeNo: tradeNo))
        guard split.cashFen > 0 else {
            // The order is the channel's cash part; a bill the insurance pays whole is settled at the hospital's machines.
            try? await insurance.cancel(payOrderID: split.payOrderID)
            throw AppError.rule("insurance_covers_all", "Insurance pays this bill in full; settle it at the hospital's self-service machine.")
        }
        return InsuranceSplitRow(orderId: "", payOrderId: split.payOrderID, totalFen: split.totalFen, fundFen: split.fundFen,
                                 accountFen: split.accountFen, cashFen: split.cashFen, state: "pre_settled", settlementId: nil,
                                 createdAt: now, updatedAt: now)
    }

    /// The bill line's category (as the HIS names it) as the national charge-item code.
    static func insuranceCategory(_ name: String) -> InsuranceItemCategory {
        let codes: [String: InsuranceItemCategory] = [
            "床位费": .bed, "诊察费": .consultation, "检查费": .examination, "化验费": .laboratory, "治疗费": .treatment,
            "手术费": .surgery, "护理费": .nursing, "卫生材料费": .materials, "材料费": .materials, "西药费": .westernMedicine,
            "中药饮片费": .herbalPieces, "中草药费": .herbalPieces, "中成药费": .patentMedicine, "一般诊疗费": .generalDiagnosis,
            "挂号费": .registration,
        ]
        return codes[name] ?? .other
    }

    public func payScanned(accountID: String, payer: PaymentService.Payer, payCode: String, channel: String,
                           idempotencyKey: String?) async throws -> (checkout: PaymentService.Checkout, created: Bool) {
        let bill = try await scannedBill(payCode)
        // The payer's own family member when the bill is theirs; else the money is a gift (代缴).
        let holder = try await bills.cardHolders(accountID: accountID, hospitalCode: bill.hospitalCode)
            .first { $0.patientID == bill.patientId }
        return try await payments.pay(accountID: accountID, payer: payer, channel: channel, idempotencyKey: idempotencyKey,
                                      what: "scan_to_pay\u{1F}\(bill.id)") { request, now in
            try await payments.store.openBillOrder(request, billID: bill.id, businessType: "scan_to_pay", personID: holder?.personID ?? "",
                                                   lifetime: Self.orderLifetime, now: now)
        }
    }

    private func owned(accountID: String, billID: String) async throws -> (ClinicBillRow, BillStore.CardHolder) {
        guard let bill = try await bills.bill(id: billID),
              let holder = try await bills.cardHolders(accountID: accountID, hospitalCode: bill.hospitalCode)
                .first(where: { $0.patientID == bill.patientId }) else {
            throw AppError.notFound("bill_not_found", "No such bill among your family's.")
        }
        return (bill, holder)
    }

    private func scannedBill(_ payCode: String) async throws -> ClinicBillRow {
        guard payCode.count == 32, let bill = try await bills.bill(payCode: payCode.lowercased()) else {
            throw AppError.notFound("pay_code_invalid", "This code is not a bill's. Scan the QR code printed on the bill.")
        }
        return bill
    }

    // MARK: Deposits

    /// The member's hospital stays (住院), current and past, from each hospital where they hold a card.
    public func inpatients(accountID: String, memberID: String) async throws -> [InpatientView] {
        let holders = try await bills.cardHolders(accountID: accountID, memberID: memberID)
        guard !holders.isEmpty else {
            throw AppError.notFound("patient_card_missing", "This family member holds no hospital patient card yet.")
        }
        var views: [InpatientView] = []
        for holder in holders {
            for stay in try await his.inpatients(hospitalCode: holder.hospitalCode, patientID: holder.patientID) {
                views.append(InpatientView(stay, hospitalCode: holder.hospitalCode, memberID: memberID))
            }
        }
        return views
    }

    public func topUp(accountID: String, payer: PaymentService.Payer, memberID: String, hospitalCode: String, admissionNo: String,
                      amountFen: Int64, channel: String, idempotencyKey: String?) async throws -> (checkout: PaymentService.Checkout, created: Bool) {
        guard (1...Self.maxDepositFen).contains(amountFen) else {
            throw AppError.invalid("deposit_amount_invalid", "A top-up is 1 to \(Self.maxDepositFen) fen (¥50,000).")
        }
        let (holder, stay) = try await stay(accountID: accountID, memberID: memberID, hospitalCode: hospitalCode, admissionNo: admissionNo)
        guard stay.state == "in" else {
            throw AppError.conflict("inpatient_discharged", "This stay has ended; deposits are settled at the hospital.")
        }
        return try await payments.pay(accountID: accountID, payer: payer, channel: channel, idempotencyKey: idempotencyKey,
                                      what: "deposit\u{1F}\(hospitalCode)\u{1F}\(admissionNo)\u{1F}\(amountFen)") { request, now in
            try await payments.store.openDepositOrder(request, hospitalCode: hospitalCode, admissionNo: admissionNo,
                                                      patientID: holder.patientID, personID: holder.personID, amountFen: amountFen,
                                                      lifetime: Self.orderLifetime, now: now)
        }
    }

    /// 日清单: what the stay was charged on a Beijing day, item by item.
    public func dailyList(accountID: String, memberID: String, hospitalCode: String, admissionNo: String, day: String) async throws -> HISDailyList {
        guard BusinessCalendar.parse(day) != nil else { throw AppError.invalid("day_invalid", "A day is YYYY-MM-DD.") }
        _ = try await stay(accountID: accountID, memberID: memberID, hospitalCode: hospitalCode, admissionNo: admissionNo)
        return try await his.dailyList(hospitalCode: hospitalCode, admissionNo: admissionNo, day: day)
    }

    private func stay(accountID: String, memberID: String, hospitalCode: String,
                      admissionNo: String) async throws -> (BillStore.CardHolder, HISInpatient) {
        guard let holder = try await bills.cardHolders(accountID: accountID, hospitalCode: hospitalCode, memberID: memberID).first else {
            throw AppError.notFound("patient_card_missing", "This family member holds no patient card at that hospital.")
        }
        guard let stay = try await his.inpatients(hospitalCode: hospitalCode, patientID: holder.patientID)
            .first(where: { $0.admissionNo == admissionNo }) else {
            throw AppError.notFound("inpatient_not_found", "No such hospital stay for this family member.")
        }
        return (holder, stay)
    }
}
