import Database
import Foundation
import HIS
import HuiminCore
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

    public func payBill(accountID: String, payer: PaymentService.Payer, billID: String, channel: String,
                        idempotencyKey: String?) async throws -> (checkout: PaymentService.Checkout, created: Bool) {
        let (_, holder) = try await owned(accountID: accountID, billID: billID)
        return try await payments.pay(accountID: accountID, payer: payer, channel: channel, idempotencyKey: idempotencyKey,
                                      what: "clinic_bill\u{1F}\(billID)") { request, now in
            try await payments.store.openBillOrder(request, billID: billID, businessType: "clinic_bill", personID: holder.personID,
                                                   lifetime: Self.orderLifetime, now: now)
        }
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
