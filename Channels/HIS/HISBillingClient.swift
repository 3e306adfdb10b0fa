import Foundation
import HuiminCore

/// Paying the hospital: clinic bills (门诊缴费), registration fees, inpatient deposits (住院预缴),
/// refunds, the 掉单 check and the day's settlement file. Every write is idempotent on Huimin's
/// number (trade number, refund number), so a retry after a timeout gets the first receipt.
extension HISClient {
    /// "bill/pay". 2001 `his_bill_already_paid` when the bill was settled by another trade (for
    /// example at the window), 2003 `his_amount_mismatch` when the parts do not add up to the bill.
    public func payBill(hospitalCode: String, _ payment: HISBillPayment) async throws -> HISReceipt {
        let reply: HISWire.Reply<HISWire.Receipt> = try await post(
            hospitalCode: hospitalCode, operation: "bill/pay",
            HISWire.BillPayRequest(bill_no: payment.billNo, patient_id: payment.patientID, trade_no: payment.tradeNo,
                                   channel: payment.channel, amount_fen: payment.amountFen,
                                   insurance_fund_fen: payment.insuranceFundFen,
                                   insurance_account_fen: payment.insuranceAccountFen,
                                   paid_at: HISWire.time(payment.paidAt)))
        return try HISWire.receipt(try Self.payload(reply))
    }

    /// "registration/pay": the registration fee of a booking, settled in the HIS.
    public func payRegistration(hospitalCode: String, bookingID: String, patientID: String, tradeNo: String,
                                channel: String, amountFen: Int64, paidAt: Date) async throws -> HISReceipt {
        let reply: HISWire.Reply<HISWire.Receipt> = try await post(
            hospitalCode: hospitalCode, operation: "registration/pay",
            HISWire.RegistrationPayRequest(booking_id: bookingID, patient_id: patientID, trade_no: tradeNo,
                                           channel: channel, amount_fen: amountFen, paid_at: HISWire.time(paidAt)))
        return try HISWire.receipt(try Self.payload(reply))
    }

    /// "trade/check" (交易补偿查询): the receipt of a payment the HIS settled under `tradeNo`, or nil
    /// when it never settled one (the write was lost: complete it or refund the payer).
    public func checkTrade(hospitalCode: String, tradeNo: String) async throws -> HISReceipt? {
        let reply: HISWire.Reply<HISWire.TradeCheck> = try await post(
            hospitalCode: hospitalCode, operation: "trade/check", HISWire.TradeRequest(trade_no: tradeNo))
        let check = try Self.payload(reply)
        switch check.state {
        case "notfound":
            return nil
        case "settled":
            guard let number = check.receipt_no, let time = check.settled_at else { throw HISWire.badResponse }
            return try HISWire.receipt(HISWire.Receipt(receipt_no: number, settled_at: time, balance_fen: nil))
        default:
            throw HISWire.badResponse
        }
    }

    /// "trade/refund": gives back part or all of a settled payment. 2201 `his_refund_exceeds` when
    /// the refunds would pass what was settled (for a deposit, what is left of it).
    public func postRefund(hospitalCode: String, tradeNo: String, refundNo: String, amountFen: Int64,
                           refundedAt: Date) async throws -> HISReceipt {
        let reply: HISWire.Reply<HISWire.Receipt> = try await post(
            hospitalCode: hospitalCode, operation: "trade/refund",
            HISWire.RefundRequest(trade_no: tradeNo, refund_no: refundNo, amount_fen: amountFen,
                                  refunded_at: HISWire.time(refundedAt)))
        return try HISWire.receipt(try Self.payload(reply))
    }

    /// "inpatient/query": the patient's admissions, current and past (empty when none).
    public func inpatients(hospitalCode: String, patientID: String) async throws -> [HISInpatient] {
        let reply: HISWire.Reply<[HISWire.Inpatient]> = try await post(
            hospitalCode: hospitalCode, operation: "inpatient/query", HISWire.PatientRequest(patient_id: patientID))
        return (reply.data ?? []).map {
            HISInpatient(admissionNo: $0.admission_no, patientID: $0.patient_id, name: $0.name ?? "",
                         department: $0.department ?? "", ward: $0.ward ?? "", bed: $0.bed ?? "",
                         admittedAt: $0.admitted_at ?? "", state: $0.state, depositBalanceFen: $0.deposit_balance_fen,
                         chargedFen: $0.charged_fen)
        }
    }

    /// "deposit/pay": 2101 `his_inpatient_not_found`, 2102 `his_inpatient_discharged`.
    public func topUpDeposit(hospitalCode: String, _ topUp: HISDepositTopUp) async throws -> HISDepositReceipt {
        let reply: HISWire.Reply<HISWire.Receipt> = try await post(
            hospitalCode: hospitalCode, operation: "deposit/pay",
            HISWire.DepositPayRequest(admission_no: topUp.admissionNo, patient_id: topUp.patientID,
                                      trade_no: topUp.tradeNo, channel: topUp.channel, amount_fen: topUp.amountFen,
                                      paid_at: HISWire.time(topUp.paidAt)))
        let wire = try Self.payload(reply)
        guard let balance = wire.balance_fen else { throw HISWire.badResponse }
        return HISDepositReceipt(receipt: try HISWire.receipt(wire), balanceFen: balance)
    }

    /// "inpatient/daily-list" (日清单) of one day, `YYYY-MM-DD`.
    public func dailyList(hospitalCode: String, admissionNo: String, day: String) async throws -> HISDailyList {
        let reply: HISWire.Reply<HISWire.DailyList> = try await post(
            hospitalCode: hospitalCode, operation: "inpatient/daily-list",
            HISWire.DailyListRequest(admission_no: admissionNo, day: day))
        let list = try Self.payload(reply)
        return HISDailyList(
            admissionNo: list.admission_no, day: list.day,
            items: list.items.map {
                HISDailyList.Item(category: $0.category, code: $0.code, name: $0.name,
                                  specification: $0.specification ?? "", unit: $0.unit, quantity: $0.quantity,
                                  unitPriceFen: $0.unit_price_fen, amountFen: $0.amount_fen)
            },
            totalFen: list.total_fen, depositBalanceFen: list.deposit_balance_fen)
    }

    /// "settlement/file": the HIS settlement CSV (assets/reconciliation/README.md) of every
    /// settlement whose settled_at falls on the Beijing day `day`, checked against its SHA-256.
    public func settlementFile(hospitalCode: String, day: String) async throws -> [UInt8] {
        let reply: HISWire.Reply<HISWire.SettlementFile> = try await post(
            hospitalCode: hospitalCode, operation: "settlement/file", HISWire.DayRequest(day: day))
        let file = try Self.payload(reply)
        guard file.day == day, let data = Data(base64Encoded: file.content_base64),
              Digest.sha256Hex(Array(data)) == file.sha256.lowercased() else { throw HISWire.badResponse }
        return Array(data)
    }

    private static func payload<Payload>(_ reply: HISWire.Reply<Payload>) throws -> Payload {
        guard let data = reply.data else { throw HISWire.badResponse }
        return data
    }
}
