import Foundation
import HIS
import HuiminCore
import Reconciliation
import Testing
import Transport

/// The sandbox HIS's side of a hospital's money, driven through its control routes.
extension SandboxHarness {
    var his: HISClient { HISClient(settings: channels, transport: transport) }

    /// Creates a clinic bill of two items (¥15.00 + ¥8.00) and returns the body the HIS pushes.
    func bill(patient: String = "P00000001", hospital: String = "H0001") async throws -> [String: Any] {
        let reply = try await post("/sandbox/his/bills", """
            {"hospital": "\(hospital)", "patient_id": "\(patient)", "department_name": "内科", "doctor_name": "王医生",
             "items": [
               {"category": "西药费", "code": "X001", "name": "阿莫西林胶囊", "specification": "0.25g*24粒", "unit": "盒",
                "quantity": "1", "unit_price_fen": 1500, "amount_fen": 1500},
               {"category": "检查费", "code": "J002", "name": "血常规", "unit": "次", "quantity": "0.5",
                "unit_price_fen": 1600, "amount_fen": 800}]}
            """)
        return try #require(reply["bill"] as? [String: Any])
    }

    func billState(_ billNo: String, patient: String = "P00000001") async throws -> [String: Any]? {
        let bills = try await get("/sandbox/his/bills?hospital=H0001&patient_id=\(patient)")["bills"] as? [[String: Any]]
        return bills?.first { $0["bill_no"] as? String == billNo }
    }

    func payment(_ billNo: String, trade: String, amount: Int64 = 2300, patient: String = "P00000001",
                 fund: Int64 = 0, account: Int64 = 0) -> HISBillPayment {
        HISBillPayment(billNo: billNo, patientID: patient, tradeNo: trade, channel: "wechat", amountFen: amount,
                       insuranceFundFen: fund, insuranceAccountFen: account, paidAt: clock.now())
    }
}

@Suite("HIS clinic bills, refunds and the trade check against the sandbox")
struct HISBillingTests {
    @Test("a pushed bill is paid once: the same trade gets the same receipt, another trade is his_bill_already_paid")
    func payBillIdempotent() async throws {
        try await SandboxHarness.run { sandbox in
            let bill = try await sandbox.bill()
            let billNo = try #require(bill["bill_no"] as? String)
            #expect(billNo.hasPrefix("B"))
            #expect(bill["total_fen"] as? Int == 2300)
            #expect(bill["patient_id"] as? String == "P00000001")
            #expect(bill["department_name"] as? String == "内科")
            #expect(bill["doctor_name"] as? String == "王医生")
            #expect((bill["created_at"] as? String)?.hasSuffix("+08:00") == true)
            let items = try #require(bill["items"] as? [[String: Any]])
            #expect(items.map { $0["quantity"] as? String } == ["1", "0.5"])
            #expect(items.map { $0["specification"] as? String } == ["0.25g*24粒", ""])
            #expect(Set(items.flatMap(\.keys)) == ["category", "code", "name", "specification", "unit", "quantity",
                                                   "unit_price_fen", "amount_fen"])

            let receipt = try await sandbox.his.payBill(hospitalCode: "H0001", sandbox.payment(billNo, trade: "T1001"))
            #expect(receipt.receiptNo.hasPrefix("S"))
            #expect(abs(receipt.settledAt.timeIntervalSince(sandbox.clock.now())) < 1)
            sandbox.clock.advance(by: 60)
            #expect(try await sandbox.his.payBill(hospitalCode: "H0001", sandbox.payment(billNo, trade: "T1001")) == receipt)

            let again = await appError {
                try await sandbox.his.payBill(hospitalCode: "H0001", sandbox.payment(billNo, trade: "T1002"))
            }
            #expect(again?.code == "his_bill_already_paid")
            #expect(again?.status == 409)

            let state = try await sandbox.billState(billNo)
            #expect(state?["state"] as? String == "paid")
            #expect(state?["trade_no"] as? String == "T1001")
            #expect(state?["receipt_no"] as? String == receipt.receiptNo)
        }
    }

    @Test("a bill paid at the window refuses the online payment with his_bill_already_paid")
    func windowPayment() async throws {
        try await SandboxHarness.run { sandbox in
            let billNo = try #require(try await sandbox.bill()["bill_no"] as? String)
            let paid = try await sandbox.post("/sandbox/his/bills/\(billNo)/window-payment", #"{"hospital": "H0001"}"#)
            #expect(paid["state"] as? String == "paid")
            let error = await appError {
                try await sandbox.his.payBill(hospitalCode: "H0001", sandbox.payment(billNo, trade: "T2001"))
            }
            #expect(error?.code == "his_bill_already_paid")
            // The HIS never settled the online trade, so the 掉单 check says so.
            #expect(try await sandbox.his.checkTrade(hospitalCode: "H0001", tradeNo: "T2001") == nil)
            let settlements = try await sandbox.get("/sandbox/his/settlements?hospital=H0001")["settlements"]
                as? [[String: Any]]
            #expect(settlements?.map { $0["cashier"] as? String } == ["窗口"])
        }
    }

    @Test("the HIS checks the amount, the patient and the bill's state")
    func validation() async throws {
        try await SandboxHarness.run { sandbox in
            let his = sandbox.his
            let billNo = try #require(try await sandbox.bill()["bill_no"] as? String)
            let short = await appError { try await his.payBill(hospitalCode: "H0001", sandbox.payment(billNo, trade: "T3001", amount: 2299)) }
            #expect(short?.code == "his_amount_mismatch")
            #expect(short?.status == 409)
            let someoneElse = await appError {
                try await his.payBill(hospitalCode: "H0001", sandbox.payment(billNo, trade: "T3002", patient: "P00000002"))
            }
            #expect(someoneElse?.code == "his_bill_not_found")
            #expect(someoneElse?.status == 404)
            let unknown = await appError { try await his.payBill(hospitalCode: "H0001", sandbox.payment("B404", trade: "T3003")) }
            #expect(unknown?.code == "his_bill_not_found")
            // Another hospital does not know the bill either.
            #expect(await appError {
                try await his.payBill(hospitalCode: "H0002", sandbox.payment(billNo, trade: "T3004"))
            }?.code == "his_bill_not_found")

            // Insurance parts count towards the total: 1000 fund + 300 account + 1000 self-paid.
            let receipt = try await his.payBill(hospitalCode: "H0001",
                                                sandbox.payment(billNo, trade: "T3005", amount: 1000, fund: 1000, account: 300))
            #expect(!receipt.receiptNo.isEmpty)

            let other = try #require(try await sandbox.bill()["bill_no"] as? String)
            try await sandbox.post("/sandbox/his/bills/\(other)/cancel", #"{"hospital": "H0001"}"#)
            #expect(try await sandbox.billState(other)?["state"] as? String == "cancelled")
            let cancelled = await appError { try await his.payBill(hospitalCode: "H0001", sandbox.payment(other, trade: "T3006")) }
            #expect(cancelled?.code == "his_bill_cancelled")
            #expect(cancelled?.status == 409)
        }
    }

    @Test("trade/check finds settled trades only; registration fees settle once per booking")
    func checkTradeAndRegistration() async throws {
        try await SandboxHarness.run { sandbox in
            let his = sandbox.his
            let registration = try await his.payRegistration(
                hospitalCode: "H0001", bookingID: "bkg_1", patientID: "P00000001", tradeNo: "T4001", channel: "alipay",
                amountFen: 2500, paidAt: sandbox.clock.now())
            #expect(try await his.payRegistration(
                hospitalCode: "H0001", bookingID: "bkg_1", patientID: "P00000001", tradeNo: "T4001", channel: "alipay",
                amountFen: 2500, paidAt: sandbox.clock.now()) == registration)
            #expect(await appError {
                try await his.payRegistration(hospitalCode: "H0001", bookingID: "bkg_1", patientID: "P00000001",
                                              tradeNo: "T4002", channel: "alipay", amountFen: 2500, paidAt: sandbox.clock.now())
            }?.code == "his_bill_already_paid")

            #expect(try await his.checkTrade(hospitalCode: "H0001", tradeNo: "T4001") == registration)
            #expect(try await his.checkTrade(hospitalCode: "H0001", tradeNo: "T4002") == nil)
            #expect(try await his.checkTrade(hospitalCode: "H0002", tradeNo: "T4001") == nil)

            // A trade number reused for another business is rejected as bad input.
            let billNo = try #require(try await sandbox.bill()["bill_no"] as? String)
            #expect(await appError {
                try await his.payBill(hospitalCode: "H0001", sandbox.payment(billNo, trade: "T4001"))
            }?.code == "his_input_rejected")
        }
    }

    @Test("refunds: partial, idempotent on the refund number, never past what was settled")
    func refunds() async throws {
        try await SandboxHarness.run { sandbox in
            let his = sandbox.his
            let billNo = try #require(try await sandbox.bill()["bill_no"] as? String)
            let paid = try await his.payBill(hospitalCode: "H0001", sandbox.payment(billNo, trade: "T5001"))
            let now = sandbox.clock.now()
            let first = try await his.postRefund(hospitalCode: "H0001", tradeNo: "T5001", refundNo: "R5001",
                                                 amountFen: 800, refundedAt: now)
            #expect(first.receiptNo != paid.receiptNo)
            #expect(try await his.postRefund(hospitalCode: "H0001", tradeNo: "T5001", refundNo: "R5001", amountFen: 800,
                                             refundedAt: now) == first)
            let over = await appError {
                try await his.postRefund(hospitalCode: "H0001", tradeNo: "T5001", refundNo: "R5002", amountFen: 1501,
                                         refundedAt: now)
            }
            #expect(over?.code == "his_refund_exceeds")
            #expect(over?.status == 409)
            let rest = try await his.postRefund(hospitalCode: "H0001", tradeNo: "T5001", refundNo: "R5003", amountFen: 1500,
                                                refundedAt: now)
            #expect(rest != first)
            #expect(await appError {
                try await his.postRefund(hospitalCode: "H0001", tradeNo: "T5001", refundNo: "R5004", amountFen: 1,
                                         refundedAt: now)
            }?.code == "his_refund_exceeds")
            #expect(await appError {
                try await his.postRefund(hospitalCode: "H0001", tradeNo: "T5999", refundNo: "R5005", amountFen: 1,
                                         refundedAt: now)
            }?.code == "his_bill_not_found")
        }
    }

    @Test("the HIS failing or hanging surfaces as channel_error or channel_timeout, once per armed fault")
    func faults() async throws {
        try await SandboxHarness.run(timeout: 3) { sandbox in
            let billNo = try #require(try await sandbox.bill()["bill_no"] as? String)
            // Only the hang needs the short timeout; on a loaded machine an answered call can take
            // longer than 3 s, and must not be mistaken for one.
            let roomy = HISClient(settings: sandbox.channels, transport: SandboxHarness.control)
            try await sandbox.fault("his", kind: "error")
            #expect(await appError {
                try await roomy.payBill(hospitalCode: "H0001", sandbox.payment(billNo, trade: "T6001"))
            }?.code == "channel_error")
            try await sandbox.fault("his", kind: "timeout")
            #expect(await appError {
                try await sandbox.his.settlementFile(hospitalCode: "H0001", day: "2026-09-22")
            }?.code == "channel_timeout")
            // Nothing was settled by the failed calls; the next call goes through.
            #expect(try await roomy.checkTrade(hospitalCode: "H0001", tradeNo: "T6001") == nil)
            #expect(try await sandbox.billState(billNo)?["state"] as? String == "unpaid")
        }
    }
}
