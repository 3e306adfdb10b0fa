import Foundation
import HuiminCore
import Hummingbird

/// The HIS's money operations, `POST /his/{hospital}/…` in the same signed `{"code","msg","data"}`
/// convention as patient lookup: bill/pay, registration/pay, trade/check, trade/refund,
/// inpatient/query, deposit/pay, inpatient/daily-list and settlement/file.
extension FakeHIS {
    struct PayRequest: Decodable {
        let bill_no: String?
        let booking_id: String?
        let admission_no: String?
        let patient_id: String?
        let trade_no: String?
        let channel: String?
        let amount_fen: Int64?
        let insurance_fund_fen: Int64?
        let insurance_account_fen: Int64?
        let paid_at: String?
    }

    struct TradeRequest: Decodable {
        let trade_no: String?
        let refund_no: String?
        let amount_fen: Int64?
        let refunded_at: String?
    }

    struct LookupRequest: Decodable {
        let patient_id: String?
        let admission_no: String?
        let day: String?
    }

    struct ReceiptData: Encodable {
        let receipt_no: String
        let settled_at: String
        let balance_fen: Int64?

        init(_ settlement: HISBillingLedger.Settlement, balance: Bool = false) {
            receipt_no = settlement.receiptNo
            settled_at = FakeAlipay.beijingTime(settlement.settledAt)
            balance_fen = balance ? settlement.balanceFen : nil
        }
    }

    struct TradeCheckData: Encodable {
        let state: String
        let receipt_no: String?
        let settled_at: String?
    }

    struct InpatientData: Encodable {
        let admission_no: String
        let patient_id: String
        let name: String
        let department: String
        let ward: String
        let bed: String
        let admitted_at: String
        let state: String
        let deposit_balance_fen: Int64
        let charged_fen: Int64

        init(_ i: HISBillingLedger.Inpatient) {
            admission_no = i.admissionNo
            patient_id = i.patientID
            name = i.name
            department = i.department
            ward = i.ward
            bed = i.bed
            admitted_at = i.admittedAt
            state = i.state
            deposit_balance_fen = i.depositBalanceFen
            charged_fen = i.chargedFen
        }
    }

    struct DailyListData: Encodable {
        let admission_no: String
        let day: String
        let items: [HISBillingLedger.Item]
        let total_fen: Int64
        let deposit_balance_fen: Int64
    }

    struct SettlementFileData: Encodable {
        let day: String
        let content_base64: String
        let sha256: String
    }

    func registerBilling(on router: Router<BasicRequestContext>) {
        let operations: [(String, @Sendable (FakeHIS, String, [UInt8]) -> Response)] = [
            ("bill/pay", { $0.payBill(hospital: $1, $2) }),
            ("registration/pay", { $0.payRegistration(hospital: $1, $2) }),
            ("trade/check", { $0.checkTrade(hospital: $1, $2) }),
            ("trade/refund", { $0.refund(hospital: $1, $2) }),
            ("inpatient/query", { $0.inpatients(hospital: $1, $2) }),
            ("deposit/pay", { $0.topUp(hospital: $1, $2) }),
            ("inpatient/daily-list", { $0.dailyList(hospital: $1, $2) }),
            ("settlement/file", { $0.settlementFile(hospital: $1, $2) }),
        ]
        for (path, operation) in operations {
            router.post("/his/:hospital/\(path)") { request, context in
                try await handle(request, context) { hospital, body in operation(self, hospital, body) }
            }
        }
        registerBillingControl(on: router)
    }

    private func payBill(hospital: String, _ body: [UInt8]) -> Response {
        guard let request = SandboxHTTP.decode(PayRequest.self, from: body), let billNo = request.bill_no,
              let payment = Self.payment(request) else { return refusal(.input("入参不合法")) }
        return answer(billing.payBill(hospital: hospital, billNo: billNo, payment,
                                      insuranceFundFen: request.insurance_fund_fen ?? 0,
                                      insuranceAccountFen: request.insurance_account_fen ?? 0, now: clock.now())) {
            ReceiptData($0)
        }
    }

    private func payRegistration(hospital: String, _ body: [UInt8]) -> Response {
        guard let request = SandboxHTTP.decode(PayRequest.self, from: body), let bookingID = request.booking_id,
              !bookingID.isEmpty, let payment = Self.payment(request) else { return refusal(.input("入参不合法")) }
        return answer(billing.payRegistration(hospital: hospital, bookingID: bookingID, payment, now: clock.now())) {
            ReceiptData($0)
        }
    }

    private func checkTrade(hospital: String, _ body: [UInt8]) -> Response {
        guard let tradeNo = SandboxHTTP.decode(TradeRequest.self, from: body)?.trade_no, !tradeNo.isEmpty else {
            return refusal(.input("入参不合法"))
        }
        guard let settled = billing.payment(hospital: hospital, tradeNo: tradeNo) else {
            return reply("0", "成功", data: TradeCheckData(state: "notfound", receipt_no: nil, settled_at: nil))
        }
        let receipt = ReceiptData(settled)
        return reply("0", "成功", data: TradeCheckData(state: "settled", receipt_no: receipt.receipt_no,
                                                     settled_at: receipt.settled_at))
    }

    private func refund(hospital: String, _ body: [UInt8]) -> Response {
        guard let request = SandboxHTTP.decode(TradeRequest.self, from: body),
              let tradeNo = request.trade_no, Self.isNumber(tradeNo), let refundNo = request.refund_no,
              Self.isNumber(refundNo), let amount = request.amount_fen,
              request.refunded_at.flatMap(FakeAlipayPay.beijingDate) != nil else { return refusal(.input("入参不合法")) }
        return answer(billing.refund(hospital: hospital, tradeNo: tradeNo, refundNo: refundNo, amountFen: amount,
                                     now: clock.now())) { ReceiptData($0) }
    }

    private func inpatients(hospital: String, _ body: [UInt8]) -> Response {
        guard let patientID = SandboxHTTP.decode(LookupRequest.self, from: body)?.patient_id, !patientID.isEmpty else {
            return refusal(.input("入参不合法"))
        }
        return reply("0", "成功", data: billing.inpatients(hospital: hospital, patientID: patientID).map(InpatientData.init))
    }

    private func topUp(hospital: String, _ body: [UInt8]) -> Response {
        guard let request = SandboxHTTP.decode(PayRequest.self, from: body), let admissionNo = request.admission_no,
              let payment = Self.payment(request) else { return refusal(.input("入参不合法")) }
        return answer(billing.topUp(hospital: hospital, admissionNo: admissionNo, payment, now: clock.now())) {
            ReceiptData($0, balance: true)
        }
    }

    private func dailyList(hospital: String, _ body: [UInt8]) -> Response {
        guard let request = SandboxHTTP.decode(LookupRequest.self, from: body), let admissionNo = request.admission_no,
              let day = request.day, BusinessCalendar.isDay(day) else { return refusal(.input("入参不合法")) }
        guard let inpatient = billing.inpatient(hospital: hospital, admissionNo: admissionNo) else {
            return refusal(.inpatientNotFound)
        }
        let items = inpatient.charges.filter { $0.day == day }.map(\.item)
        return reply("0", "成功", data: DailyListData(admission_no: admissionNo, day: day, items: items,
                                                    total_fen: items.reduce(0) { $0 + $1.amount_fen },
                                                    deposit_balance_fen: inpatient.depositBalanceFen))
    }

    private func settlementFile(hospital: String, _ body: [UInt8]) -> Response {
        guard let day = SandboxHTTP.decode(LookupRequest.self, from: body)?.day, BusinessCalendar.isDay(day) else {
            return refusal(.input("入参不合法"))
        }
        let bytes = HISSettlementExport.csv(hospital: hospital, day: day,
                                            billing.settlements(hospital: hospital, day: day))
        return reply("0", "成功", data: SettlementFileData(day: day, content_base64: Data(bytes).base64EncodedString(),
                                                         sha256: Digest.sha256Hex(bytes)))
    }

    /// The payer's part of a pay request, when it is well formed.
    private static func payment(_ request: PayRequest) -> HISBillingLedger.Payment? {
        guard let patientID = request.patient_id, !patientID.isEmpty,
              let tradeNo = request.trade_no, isNumber(tradeNo),
              let channel = request.channel, HISBillingLedger.channels.contains(channel),
              let amount = request.amount_fen,
              request.paid_at.flatMap(FakeAlipayPay.beijingDate) != nil else { return nil }
        return HISBillingLedger.Payment(patientID: patientID, tradeNo: tradeNo, channel: channel, amountFen: amount,
                                        cashier: "online")
    }

    /// A trade or refund number: 1–64 printable ASCII characters without a comma or a quote.
    static func isNumber(_ text: String) -> Bool {
        (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { (33...126).contains($0) && $0 != 44 && $0 != 34 }
    }

    private func answer<Value, Data: Encodable>(_ result: Result<Value, HISBillingLedger.Refusal>,
                                                _ data: (Value) -> Data) -> Response {
        switch result {
        case .success(let value): reply("0", "成功", data: data(value))
        case .failure(let refusal): self.refusal(refusal)
        }
    }

    func refusal(_ refusal: HISBillingLedger.Refusal) -> Response {
        reply(refusal.code, refusal.msg, data: nil as String?)
    }
}
