import Foundation
import HuiminCore
import Synchronization

/// The sandbox HIS's money, per hospital code, in memory: clinic bills (门诊处方/检查单), admissions
/// with their deposit (预交金) and daily charges, and every settlement it made, online or at the
/// window. Each operation validates like a HIS and is idempotent on the payer's number.
final class HISBillingLedger: Sendable {
    /// A HIS refusal: its answer code and message.
    struct Refusal: Error, Equatable {
        let code: String
        let msg: String

        static func input(_ msg: String) -> Refusal { Refusal(code: "1002", msg: msg) }
        static let billPaid = Refusal(code: "2001", msg: "处方已缴费")
        static let billNotFound = Refusal(code: "2002", msg: "处方不存在")
        static let amountMismatch = Refusal(code: "2003", msg: "金额与处方不符")
        static let billCancelled = Refusal(code: "2004", msg: "处方已作废")
        static let inpatientNotFound = Refusal(code: "2101", msg: "住院记录不存在")
        static let discharged = Refusal(code: "2102", msg: "患者已出院,不可预缴")
        static let refundExceeds = Refusal(code: "2201", msg: "退费金额超过可退金额")
    }

    struct Item: Codable, Sendable {
        let category: String
        let code: String
        let name: String
        let specification: String
        let unit: String
        /// A decimal string.
        let quantity: String
        let unit_price_fen: Int64
        let amount_fen: Int64
    }

    struct Bill: Sendable {
        let billNo: String
        let patientID: String
        let departmentName: String
        let doctorName: String
        let createdAt: Date
        let items: [Item]
        let totalFen: Int64
        /// `unpaid`, `paid` or `cancelled`.
        var state = "unpaid"
        var tradeNo: String?
        var receiptNo: String?
    }

    struct Inpatient: Sendable {
        let admissionNo: String
        let patientID: String
        let name: String
        let department: String
        let ward: String
        let bed: String
        let admittedAt: String
        /// `in` or `discharged`.
        var state = "in"
        var depositBalanceFen: Int64 = 0
        var chargedFen: Int64 = 0
        var charges: [(day: String, item: Item)] = []
    }

    enum Business: String, Sendable {
        case registration, clinicBill = "clinic_bill", deposit
    }

    /// One settled movement of money: a line of the settlement file.
    struct Settlement: Sendable {
        /// 结算流水号.
        let receiptNo: String
        let tradeNo: String
        /// nil for payments.
        let refundNo: String?
        let amountFen: Int64
        let settledAt: Date
        let channel: String
        let business: Business
        /// The bill number, booking id or admission number.
        let businessRef: String
        let patientID: String
        /// `online` or `窗口`.
        let cashier: String
        /// Bill payments: the insurance parts settled besides `amountFen`.
        var insuranceFundFen: Int64 = 0
        var insuranceAccountFen: Int64 = 0
        /// Deposit movements: the balance right after.
        var balanceFen: Int64?

        var isRefund: Bool { refundNo != nil }
    }

    /// What a bill payment, a registration payment and a top-up share.
    struct Payment {
        let patientID: String
        let tradeNo: String
        let channel: String
        let amountFen: Int64
        let cashier: String
    }

    private struct Hospital {
        var bills: [String: Bill] = [:]
        var inpatients: [String: Inpatient] = [:]
        var settlements: [Settlement] = []

        func payment(tradeNo: String) -> Settlement? {
            settlements.first { !$0.isRefund && $0.tradeNo == tradeNo }
        }
    }

    static let channels: Set<String> = ["wechat", "alipay", "unionpay", "insurance"]

    private let hospitals = Mutex<[String: Hospital]>([:])
    private let sequence = Atomic<Int>(0)

    private func next(_ prefix: String) -> String {
        String(format: "%@%08d", prefix, sequence.add(1, ordering: .relaxed).newValue)
    }

    // MARK: Clinic bills

    func createBill(hospital: String, patientID: String, departmentName: String, doctorName: String, items: [Item],
                    now: Date) -> Bill {
        let bill = Bill(billNo: next("B"), patientID: patientID, departmentName: departmentName, doctorName: doctorName,
                        createdAt: now, items: items, totalFen: items.reduce(0) { $0 + $1.amount_fen })
        hospitals.withLock { $0[hospital, default: Hospital()].bills[bill.billNo] = bill }
        return bill
    }

    func bills(hospital: String, patientID: String?) -> [Bill] {
        hospitals.withLock { all in
            (all[hospital]?.bills.values.filter { patientID == nil || $0.patientID == patientID } ?? [])
                .sorted { $0.billNo < $1.billNo }
        }
    }

    /// An online payment (or, with `cashier` 窗口, one at the window) of a clinic bill: the parts
    /// must add up to the bill's total, the payer must own it, and one trade settles it once.
    func payBill(hospital: String, billNo: String, _ payment: Payment, insuranceFundFen: Int64,
                 insuranceAccountFen: Int64, now: Date) -> Result<Settlement, Refusal> {
        update(hospital) { h in
            if let earlier = try Self.replay(h, payment.tradeNo, business: .clinicBill, ref: billNo) { return earlier }
            guard var bill = h.bills[billNo], bill.patientID == payment.patientID else { throw Refusal.billNotFound }
            switch bill.state {
            case "cancelled": throw Refusal.billCancelled
            case "paid": throw Refusal.billPaid
            default: break
            }
            let parts = [payment.amountFen, insuranceFundFen, insuranceAccountFen]
            guard parts.allSatisfy({ $0 >= 0 }), parts.reduce(0, +) == bill.totalFen else { throw Refusal.amountMismatch }
            let settlement = settle(&h, payment, business: .clinicBill, ref: billNo, now: now) {
                $0.insuranceFundFen = insuranceFundFen
                $0.insuranceAccountFen = insuranceAccountFen
            }
            bill.state = "paid"
            bill.tradeNo = payment.tradeNo
            bill.receiptNo = settlement.receiptNo
            h.bills[billNo] = bill
            return settlement
        }
    }

    /// The patient paid the whole bill at the window (窗口缴费), say by bank card through `channel`.
    func payAtWindow(hospital: String, billNo: String, channel: String, now: Date) -> Result<Bill, Refusal> {
        guard var bill = bill(hospital: hospital, billNo: billNo) else { return .failure(.billNotFound) }
        let payment = Payment(patientID: bill.patientID, tradeNo: next("W"), channel: channel, amountFen: bill.totalFen,
                              cashier: "窗口")
        return payBill(hospital: hospital, billNo: billNo, payment, insuranceFundFen: 0, insuranceAccountFen: 0, now: now)
            .map { settlement in
                bill.state = "paid"
                bill.tradeNo = settlement.tradeNo
                bill.receiptNo = settlement.receiptNo
                return bill
            }
    }

    func cancelBill(hospital: String, billNo: String) -> Result<Bill, Refusal> {
        update(hospital) { h in
            guard var bill = h.bills[billNo] else { throw Refusal.billNotFound }
            guard bill.state != "paid" else { throw Refusal.billPaid }
            bill.state = "cancelled"
            h.bills[billNo] = bill
            return bill
        }
    }

    func bill(hospital: String, billNo: String) -> Bill? {
        hospitals.withLock { $0[hospital]?.bills[billNo] }
    }

    // MARK: Registration

    /// A booking's registration fee; a second trade for a booking already paid is 2001.
    func payRegistration(hospital: String, bookingID: String, _ payment: Payment, now: Date) -> Result<Settlement, Refusal> {
        update(hospital) { h in
            if let earlier = try Self.replay(h, payment.tradeNo, business: .registration, ref: bookingID) { return earlier }
            guard payment.amountFen > 0 else { throw Refusal.amountMismatch }
            let paid = h.settlements.contains { !$0.isRefund && $0.business == .registration && $0.businessRef == bookingID }
            guard !paid else { throw Refusal.billPaid }
            return settle(&h, payment, business: .registration, ref: bookingID, now: now)
        }
    }

    // MARK: Trades and refunds

    func payment(hospital: String, tradeNo: String) -> Settlement? {
        hospitals.withLock { $0[hospital]?.payment(tradeNo: tradeNo) }
    }

    /// Refunds part of a settled payment; never more than is left of it (for a deposit, never more
    /// than the balance either). The same refund number answers its first receipt.
    func refund(hospital: String, tradeNo: String, refundNo: String, amountFen: Int64,
                now: Date) -> Result<Settlement, Refusal> {
        update(hospital) { h in
            if let earlier = h.settlements.first(where: { $0.refundNo == refundNo }) {
                guard earlier.tradeNo == tradeNo else { throw Refusal.input("退费单号已用于其他交易") }
                return earlier
            }
            guard let paid = h.payment(tradeNo: tradeNo) else { throw Refusal.billNotFound }
            guard amountFen > 0 else { throw Refusal.input("退费金额不合法") }
            let refunded = h.settlements.filter { $0.isRefund && $0.tradeNo == tradeNo }.reduce(0) { $0 + $1.amountFen }
            guard refunded + amountFen <= paid.amountFen else { throw Refusal.refundExceeds }
            var balance: Int64?
            if paid.business == .deposit, var inpatient = h.inpatients[paid.businessRef] {
                guard inpatient.depositBalanceFen >= amountFen else { throw Refusal.refundExceeds }
                inpatient.depositBalanceFen -= amountFen
                h.inpatients[paid.businessRef] = inpatient
                balance = inpatient.depositBalanceFen
            }
            let refund = Settlement(receiptNo: next("S"), tradeNo: tradeNo, refundNo: refundNo, amountFen: amountFen,
                                    settledAt: now, channel: paid.channel, business: paid.business,
                                    businessRef: paid.businessRef, patientID: paid.patientID, cashier: "online",
                                    balanceFen: balance)
            h.settlements.append(refund)
            return refund
        }
    }

    // MARK: Inpatients

    /// Admits a patient; an initial deposit is taken at the window through `channel`.
    func admit(hospital: String, patientID: String, name: String, department: String, ward: String, bed: String,
               depositFen: Int64, channel: String, now: Date) -> Inpatient {
        hospitals.withLock { all in
            var inpatient = Inpatient(admissionNo: next("ZY"), patientID: patientID, name: name, department: department,
                                      ward: ward, bed: bed, admittedAt: BusinessCalendar.day(of: now))
            var h = all[hospital] ?? Hospital()
            if depositFen > 0 {
                inpatient.depositBalanceFen = depositFen
                h.settlements.append(Settlement(
                    receiptNo: next("S"), tradeNo: next("W"), refundNo: nil, amountFen: depositFen, settledAt: now,
                    channel: channel, business: .deposit, businessRef: inpatient.admissionNo, patientID: patientID,
                    cashier: "窗口", balanceFen: depositFen))
            }
            h.inpatients[inpatient.admissionNo] = inpatient
            all[hospital] = h
            return inpatient
        }
    }

    func inpatients(hospital: String, patientID: String) -> [Inpatient] {
        hospitals.withLock { all in
            (all[hospital]?.inpatients.values.filter { $0.patientID == patientID } ?? []).sorted { $0.admissionNo < $1.admissionNo }
        }
    }

    /// Adds the day's charges (日清单 items); they come out of the deposit balance.
    func charge(hospital: String, admissionNo: String, day: String, items: [Item]) -> Result<Inpatient, Refusal> {
        update(hospital) { h in
            guard var inpatient = h.inpatients[admissionNo] else { throw Refusal.inpatientNotFound }
            guard inpatient.state == "in" else { throw Refusal.discharged }
            let total = items.reduce(0) { $0 + $1.amount_fen }
            inpatient.charges += items.map { (day, $0) }
            inpatient.chargedFen += total
            inpatient.depositBalanceFen -= total
            h.inpatients[admissionNo] = inpatient
            return inpatient
        }
    }

    func discharge(hospital: String, admissionNo: String) -> Result<Inpatient, Refusal> {
        update(hospital) { h in
            guard var inpatient = h.inpatients[admissionNo] else { throw Refusal.inpatientNotFound }
            inpatient.state = "discharged"
            h.inpatients[admissionNo] = inpatient
            return inpatient
        }
    }

    func inpatient(hospital: String, admissionNo: String) -> Inpatient? {
        hospitals.withLock { $0[hospital]?.inpatients[admissionNo] }
    }

    /// 住院预缴: only while admitted, only by the admitted patient.
    func topUp(hospital: String, admissionNo: String, _ payment: Payment, now: Date) -> Result<Settlement, Refusal> {
        update(hospital) { h in
            if let earlier = try Self.replay(h, payment.tradeNo, business: .deposit, ref: admissionNo) { return earlier }
            guard var inpatient = h.inpatients[admissionNo], inpatient.patientID == payment.patientID else {
                throw Refusal.inpatientNotFound
            }
            guard inpatient.state == "in" else { throw Refusal.discharged }
            guard payment.amountFen > 0 else { throw Refusal.input("预缴金额不合法") }
            inpatient.depositBalanceFen += payment.amountFen
            h.inpatients[admissionNo] = inpatient
            return settle(&h, payment, business: .deposit, ref: admissionNo, now: now) {
                $0.balanceFen = inpatient.depositBalanceFen
            }
        }
    }

    // MARK: Settlements

    /// Every settlement of the Beijing day `day` (all of them when nil), in the order they were made.
    func settlements(hospital: String, day: String?) -> [Settlement] {
        hospitals.withLock { all in
            (all[hospital]?.settlements ?? []).filter { day == nil || BusinessCalendar.day(of: $0.settledAt) == day }
        }
    }

    // MARK: Helpers

    private func update<T>(_ hospital: String, _ body: (inout Hospital) throws -> T) -> Result<T, Refusal> {
        hospitals.withLock { all in
            var h = all[hospital] ?? Hospital()
            do {
                let value = try body(&h)
                all[hospital] = h
                return .success(value)
            } catch {
                // The bodies throw nothing but refusals.
                return .failure(error as? Refusal ?? Refusal(code: "9999", msg: "系统错误"))
            }
        }
    }

    /// The settlement an earlier call made with this trade number, if it was for the same business;
    /// a trade number reused for something else is refused.
    private static func replay(_ h: Hospital, _ tradeNo: String, business: Business,
                               ref: String) throws -> Settlement? {
        guard let earlier = h.payment(tradeNo: tradeNo) else { return nil }
        guard earlier.business == business, earlier.businessRef == ref else { throw Refusal.input("交易号已用于其他业务") }
        return earlier
    }

    private func settle(_ h: inout Hospital, _ payment: Payment, business: Business, ref: String,
                        now: Date, _ adjust: (inout Settlement) -> Void = { _ in }) -> Settlement {
        var settlement = Settlement(receiptNo: next("S"), tradeNo: payment.tradeNo, refundNo: nil,
                                    amountFen: payment.amountFen, settledAt: now, channel: payment.channel,
                                    business: business, businessRef: ref, patientID: payment.patientID,
                                    cashier: payment.cashier)
        adjust(&settlement)
        h.settlements.append(settlement)
        return settlement
    }
}
