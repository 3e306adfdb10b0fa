import Foundation
import HuiminCore
import Hummingbird

/// Control routes of the sandbox HIS's money side, for tests and the simulator: create clinic
/// bills (answering the body the HIS would push to Huimin), pay or cancel them at the window,
/// admit, charge and discharge inpatients, and inspect bills and settlements.
extension FakeHIS {
    struct ItemRequest: Decodable {
        let category: String?
        let code: String?
        let name: String?
        let specification: String?
        let unit: String?
        let quantity: String?
        let unit_price_fen: Int64?
        let amount_fen: Int64?
    }

    struct BillRequest: Decodable {
        let hospital: String?
        let patient_id: String?
        let department_name: String?
        let doctor_name: String?
        let items: [ItemRequest]?
    }

    struct HospitalRequest: Decodable {
        let hospital: String?
        /// Window payments: the channel the window took the money through (default unionpay, a bank card).
        let channel: String?
    }

    struct AdmitRequest: Decodable {
        let hospital: String?
        let patient_id: String?
        let name: String?
        let department: String?
        let ward: String?
        let bed: String?
        let deposit_fen: Int64?
        let channel: String?
    }

    struct ChargesRequest: Decodable {
        let hospital: String?
        let day: String?
        let items: [ItemRequest]?
    }

    /// What the HIS pushes to Huimin when a doctor issues a bill; keep these names.
    struct BillPush: Encodable {
        let bill_no: String
        let patient_id: String
        let department_name: String
        let doctor_name: String
        /// ISO 8601 with +08:00.
        let created_at: String
        let total_fen: Int64
        let items: [HISBillingLedger.Item]

        init(_ bill: HISBillingLedger.Bill) {
            bill_no = bill.billNo
            patient_id = bill.patientID
            department_name = bill.departmentName
            doctor_name = bill.doctorName
            created_at = FakeWeChatPayProtocol.time(bill.createdAt)
            total_fen = bill.totalFen
            items = bill.items
        }
    }

    struct BillReply: Encodable {
        let bill: BillPush
    }

    struct BillView: Encodable {
        let bill_no: String
        let patient_id: String
        let total_fen: Int64
        let state: String
        let trade_no: String?
        let receipt_no: String?

        init(_ bill: HISBillingLedger.Bill) {
            bill_no = bill.billNo
            patient_id = bill.patientID
            total_fen = bill.totalFen
            state = bill.state
            trade_no = bill.tradeNo
            receipt_no = bill.receiptNo
        }
    }

    struct BillsReply: Encodable {
        let bills: [BillView]
    }

    struct InpatientReply: Encodable {
        let inpatient: InpatientData
    }

    struct SettlementView: Encodable {
        let receipt_no: String
        let trade_no: String
        let refund_no: String?
        let kind: String
        let amount_fen: Int64
        let insurance_fund_fen: Int64
        let insurance_account_fen: Int64
        let balance_fen: Int64?
        let settled_at: String
        let channel: String
        let business_type: String
        let business_ref: String
        let patient_id: String
        let cashier: String

        init(_ s: HISBillingLedger.Settlement) {
            receipt_no = s.receiptNo
            trade_no = s.tradeNo
            refund_no = s.refundNo
            kind = s.isRefund ? "refund" : "payment"
            amount_fen = s.amountFen
            insurance_fund_fen = s.insuranceFundFen
            insurance_account_fen = s.insuranceAccountFen
            balance_fen = s.balanceFen
            settled_at = FakeAlipay.beijingTime(s.settledAt)
            channel = s.channel
            business_type = s.business.rawValue
            business_ref = s.businessRef
            patient_id = s.patientID
            cashier = s.cashier
        }
    }

    struct SettlementsReply: Encodable {
        let settlements: [SettlementView]
    }

    func registerBillingControl(on router: Router<BasicRequestContext>) {
        router.post("/sandbox/his/bills") { request, _ in
            let body = try await SandboxHTTP.body(request)
            guard let bill = SandboxHTTP.decode(BillRequest.self, from: body), let hospital = bill.hospital,
                  let patientID = bill.patient_id, !patientID.isEmpty,
                  let department = bill.department_name, !department.isEmpty,
                  let items = Self.items(bill.items), items.reduce(0, { $0 + $1.amount_fen }) > 0 else {
                return Self.problem("expected {hospital, patient_id, department_name, doctor_name?, items: [{category, "
                                    + "code, name, specification?, unit, quantity, unit_price_fen, amount_fen}]} "
                                    + "with a positive total")
            }
            let created = billing.createBill(hospital: hospital, patientID: patientID, departmentName: department,
                                             doctorName: bill.doctor_name ?? "", items: items, now: clock.now())
            return SandboxHTTP.json(BillReply(bill: BillPush(created)))
        }
        router.post("/sandbox/his/bills/:bill_no/window-payment") { request, context in
            let body = SandboxHTTP.decode(HospitalRequest.self, from: try await SandboxHTTP.body(request))
            let channel = body?.channel ?? "unionpay"
            guard let hospital = body?.hospital, HISBillingLedger.channels.contains(channel) else {
                return Self.problem("expected {hospital, channel?: wechat|alipay|unionpay|insurance}")
            }
            let billNo = context.parameters.get("bill_no") ?? ""
            return control(billing.payAtWindow(hospital: hospital, billNo: billNo, channel: channel, now: clock.now())
                .map(BillView.init))
        }
        router.post("/sandbox/his/bills/:bill_no/cancel") { request, context in
            guard let hospital = SandboxHTTP.decode(HospitalRequest.self, from: try await SandboxHTTP.body(request))?
                .hospital else { return Self.problem("expected {hospital}") }
            return control(billing.cancelBill(hospital: hospital, billNo: context.parameters.get("bill_no") ?? "")
                .map(BillView.init))
        }
        router.get("/sandbox/his/bills") { request, _ in
            let query = SandboxHTTP.dictionary(SandboxHTTP.form(request.uri.query))
            let bills = billing.bills(hospital: query["hospital"] ?? "", patientID: query["patient_id"])
            return SandboxHTTP.json(BillsReply(bills: bills.map(BillView.init)))
        }
        router.post("/sandbox/his/inpatients") { request, _ in
            let body = SandboxHTTP.decode(AdmitRequest.self, from: try await SandboxHTTP.body(request))
            let channel = body?.channel ?? "unionpay"
            guard let admit = body, let hospital = admit.hospital, let patientID = admit.patient_id, !patientID.isEmpty,
                  let name = admit.name, let department = admit.department, let ward = admit.ward, let bed = admit.bed,
                  (admit.deposit_fen ?? 0) >= 0, HISBillingLedger.channels.contains(channel) else {
                return Self.problem("expected {hospital, patient_id, name, department, ward, bed, deposit_fen?, channel?}")
            }
            let inpatient = billing.admit(hospital: hospital, patientID: patientID, name: name, department: department,
                                          ward: ward, bed: bed, depositFen: admit.deposit_fen ?? 0, channel: channel,
                                          now: clock.now())
            return SandboxHTTP.json(InpatientReply(inpatient: InpatientData(inpatient)))
        }
        router.post("/sandbox/his/inpatients/:admission_no/charges") { request, context in
            guard let charges = SandboxHTTP.decode(ChargesRequest.self, from: try await SandboxHTTP.body(request)),
                  let hospital = charges.hospital, let day = charges.day, BusinessCalendar.isDay(day),
                  let items = Self.items(charges.items) else {
                return Self.problem("expected {hospital, day: YYYY-MM-DD, items: [...]}")
            }
            return control(billing.charge(hospital: hospital, admissionNo: context.parameters.get("admission_no") ?? "",
                                          day: day, items: items).map { InpatientReply(inpatient: InpatientData($0)) })
        }
        router.post("/sandbox/his/inpatients/:admission_no/discharge") { request, context in
            guard let hospital = SandboxHTTP.decode(HospitalRequest.self, from: try await SandboxHTTP.body(request))?
                .hospital else { return Self.problem("expected {hospital}") }
            return control(billing.discharge(hospital: hospital, admissionNo: context.parameters.get("admission_no") ?? "")
                .map { InpatientReply(inpatient: InpatientData($0)) })
        }
        router.get("/sandbox/his/settlements") { request, _ in
            let query = SandboxHTTP.dictionary(SandboxHTTP.form(request.uri.query))
            let settlements = billing.settlements(hospital: query["hospital"] ?? "", day: query["day"])
            return SandboxHTTP.json(SettlementsReply(settlements: settlements.map(SettlementView.init)))
        }
    }

    /// Well-formed items, or nil: text fields present, quantity a decimal, amounts not negative.
    private static func items(_ requests: [ItemRequest]?) -> [HISBillingLedger.Item]? {
        guard let requests, !requests.isEmpty else { return nil }
        var items: [HISBillingLedger.Item] = []
        for r in requests {
            guard let category = r.category, !category.isEmpty, let code = r.code, !code.isEmpty,
                  let name = r.name, !name.isEmpty, let unit = r.unit, let quantity = r.quantity, isDecimal(quantity),
                  let price = r.unit_price_fen, price >= 0, let amount = r.amount_fen, amount >= 0 else { return nil }
            items.append(HISBillingLedger.Item(category: category, code: code, name: name,
                                               specification: r.specification ?? "", unit: unit, quantity: quantity,
                                               unit_price_fen: price, amount_fen: amount))
        }
        return items
    }

    private static func isDecimal(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }

    private static func problem(_ message: String) -> Response {
        SandboxHTTP.json(ControlRoutes.Problem(error: message), status: .badRequest)
    }

    /// A control route's answer: the value, or the HIS's refusal as 404 / 409 with its code.
    private func control(_ result: Result<some Encodable, HISBillingLedger.Refusal>) -> Response {
        switch result {
        case .success(let value):
            return SandboxHTTP.json(value)
        case .failure(let refusal):
            let notFound = ["2002", "2101"].contains(refusal.code)
            return SandboxHTTP.json(ControlRefusal(error: refusal.msg, code: refusal.code),
                                    status: notFound ? .notFound : .conflict)
        }
    }

    struct ControlRefusal: Encodable {
        let error: String
        let code: String
    }
}
