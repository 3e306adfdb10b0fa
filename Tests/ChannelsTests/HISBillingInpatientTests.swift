import Foundation
import HIS
import HuiminCore
import Reconciliation
import Testing
import Transport

@Suite("HIS inpatient deposits, daily lists and the settlement file against the sandbox")
struct HISBillingInpatientTests {
    static func topUp(_ sandbox: SandboxHarness, _ admissionNo: String, trade: String, amount: Int64,
                      patient: String = "P00000001") -> HISDepositTopUp {
        HISDepositTopUp(admissionNo: admissionNo, patientID: patient, tradeNo: trade, channel: "wechat",
                        amountFen: amount, paidAt: sandbox.clock.now())
    }

    static let charges = """
        [{"category": "床位费", "code": "C001", "name": "普通病房床位费", "unit": "天", "quantity": "1",
          "unit_price_fen": 12000, "amount_fen": 12000},
         {"category": "西药费", "code": "X010", "name": "0.9%氯化钠注射液", "specification": "250ml", "unit": "袋",
          "quantity": "2", "unit_price_fen": 1500, "amount_fen": 3000}]
        """

    @Test("admit, query, top up (idempotent), charge, daily list, refund, discharge; then top-ups are refused")
    func inpatientFlow() async throws {
        try await SandboxHarness.run { sandbox in
            let his = sandbox.his
            let day = BusinessCalendar.day(of: sandbox.clock.now())
            let next = try #require(BusinessCalendar.adding(days: 1, to: day))
            let admitted = try await sandbox.post("/sandbox/his/inpatients", """
                {"hospital": "H0001", "patient_id": "P00000001", "name": "测试甲", "department": "心内科",
                 "ward": "5病区", "bed": "12", "deposit_fen": 100000}
                """)["inpatient"] as? [String: Any]
            let admissionNo = try #require(admitted?["admission_no"] as? String)

            let found = try await his.inpatients(hospitalCode: "H0001", patientID: "P00000001")
            #expect(found == [HISInpatient(admissionNo: admissionNo, patientID: "P00000001", name: "测试甲", department: "心内科",
                                           ward: "5病区", bed: "12", admittedAt: day, state: "in",
                                           depositBalanceFen: 100000, chargedFen: 0)])
            #expect(try await his.inpatients(hospitalCode: "H0001", patientID: "P00000002").isEmpty)

            let topped = try await his.topUpDeposit(hospitalCode: "H0001", Self.topUp(sandbox, admissionNo, trade: "T8001",
                                                                                      amount: 50000))
            #expect(topped.balanceFen == 150000)
            #expect(try await his.topUpDeposit(hospitalCode: "H0001", Self.topUp(sandbox, admissionNo, trade: "T8001",
                                                                                 amount: 50000)) == topped)
            #expect(await appError {
                try await his.topUpDeposit(hospitalCode: "H0001", Self.topUp(sandbox, admissionNo, trade: "T8002",
                                                                             amount: 100, patient: "P00000002"))
            }?.code == "his_inpatient_not_found")

            try await sandbox.post("/sandbox/his/inpatients/\(admissionNo)/charges",
                                   #"{"hospital": "H0001", "day": "\#(day)", "items": \#(Self.charges)}"#)
            try await sandbox.post("/sandbox/his/inpatients/\(admissionNo)/charges", """
                {"hospital": "H0001", "day": "\(next)", "items": [{"category": "检查费", "code": "J100", "name": "心电图",
                 "unit": "次", "quantity": "1", "unit_price_fen": 5000, "amount_fen": 5000}]}
                """)
            let list = try await his.dailyList(hospitalCode: "H0001", admissionNo: admissionNo, day: day)
            #expect(list.admissionNo == admissionNo && list.day == day)
            #expect(list.items == [
                HISDailyList.Item(category: "床位费", code: "C001", name: "普通病房床位费", specification: "", unit: "天",
                                  quantity: "1", unitPriceFen: 12000, amountFen: 12000),
                HISDailyList.Item(category: "西药费", code: "X010", name: "0.9%氯化钠注射液", specification: "250ml",
                                  unit: "袋", quantity: "2", unitPriceFen: 1500, amountFen: 3000),
            ])
            #expect(list.totalFen == 15000)
            #expect(list.depositBalanceFen == 130000)
            #expect(try await his.dailyList(hospitalCode: "H0001", admissionNo: admissionNo, day: next).totalFen == 5000)
            #expect(await appError {
                try await his.dailyList(hospitalCode: "H0001", admissionNo: "ZY404", day: day)
            }?.code == "his_inpatient_not_found")

            // A deposit refund comes out of the balance and never past the top-up.
            #expect(await appError {
                try await his.postRefund(hospitalCode: "H0001", tradeNo: "T8001", refundNo: "R8001", amountFen: 50001,
                                         refundedAt: sandbox.clock.now())
            }?.code == "his_refund_exceeds")
            _ = try await his.postRefund(hospitalCode: "H0001", tradeNo: "T8001", refundNo: "R8002", amountFen: 20000,
                                         refundedAt: sandbox.clock.now())
            #expect(try await his.inpatients(hospitalCode: "H0001", patientID: "P00000001").first?.depositBalanceFen
                == 110000)

            try await sandbox.post("/sandbox/his/inpatients/\(admissionNo)/discharge", #"{"hospital": "H0001"}"#)
            let closed = await appError {
                try await his.topUpDeposit(hospitalCode: "H0001", Self.topUp(sandbox, admissionNo, trade: "T8003", amount: 100))
            }
            #expect(closed?.code == "his_inpatient_discharged")
            #expect(closed?.status == 409)
            let after = try await his.inpatients(hospitalCode: "H0001", patientID: "P00000001").first
            #expect(after?.state == "discharged")
            #expect(after?.chargedFen == 20000)
        }
    }

    @Test("the settlement file parses with HISSettlementFile and holds exactly the day's settlements")
    func settlementFile() async throws {
        try await SandboxHarness.run { sandbox in
            let his = sandbox.his
            let day = BusinessCalendar.day(of: sandbox.clock.now())
            let next = try #require(BusinessCalendar.adding(days: 1, to: day))
            let billNo = try #require(try await sandbox.bill()["bill_no"] as? String)
            let windowBill = try #require(try await sandbox.bill(patient: "P00000002")["bill_no"] as? String)
            let paid = try await his.payBill(hospitalCode: "H0001", sandbox.payment(billNo, trade: "T7001"))
            let registration = try await his.payRegistration(
                hospitalCode: "H0001", bookingID: "bkg_7", patientID: "P00000001", tradeNo: "T7002", channel: "alipay",
                amountFen: 2500, paidAt: sandbox.clock.now())
            sandbox.clock.advance(by: 60)
            let refund = try await his.postRefund(hospitalCode: "H0001", tradeNo: "T7001", refundNo: "R7001",
                                                  amountFen: 800, refundedAt: sandbox.clock.now())
            try await sandbox.post("/sandbox/his/bills/\(windowBill)/window-payment", #"{"hospital": "H0001"}"#)
            // Another hospital's settlements stay in its own file.
            _ = try await his.payRegistration(hospitalCode: "H0002", bookingID: "bkg_8", patientID: "P1", tradeNo: "T7009",
                                              channel: "wechat", amountFen: 100, paidAt: sandbox.clock.now())

            sandbox.clock.advance(by: 86_400)
            let late = try await his.payRegistration(
                hospitalCode: "H0001", bookingID: "bkg_9", patientID: "P00000001", tradeNo: "T7003", channel: "wechat",
                amountFen: 1000, paidAt: sandbox.clock.now())
            let crossDay = try await his.postRefund(hospitalCode: "H0001", tradeNo: "T7002", refundNo: "R7002",
                                                    amountFen: 2500, refundedAt: sandbox.clock.now())

            let bytes = try await his.settlementFile(hospitalCode: "H0001", day: day)
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.hasSuffix("TOTAL,4,7100,800\n"))
            let parsed = try HISSettlementFile.parse(bytes)
            let records = parsed.records.records
            #expect(records.map(\.tradeNo).prefix(3) == ["T7001", "T7002", "T7001"])
            #expect(records.map(\.sourceId).prefix(3) == [paid.receiptNo, registration.receiptNo, refund.receiptNo])
            #expect(records.map(\.kind) == [.payment, .payment, .refund, .payment])
            #expect(records.map(\.refundNo) == ["", "", "R7001", ""])
            #expect(records.map(\.amountFen) == [2300, 2500, 800, 2300])
            #expect(records.map(\.channel) == [.wechat, .alipay, .wechat, .unionpay])
            #expect(records.map(\.businessRef) == [billNo, "bkg_7", billNo, windowBill])
            #expect(records.allSatisfy { $0.day == day })
            #expect(records.first?.date == paid.settledAt)
            #expect(parsed.totals.paymentFen == 7100 && parsed.totals.refundFen == 800)
            #expect(text.contains(",clinic_bill,\(windowBill),窗口\n"))
            #expect(text.contains(",registration,bkg_7,online\n"))

            let nextRecords = try HISSettlementFile.parse(try await his.settlementFile(hospitalCode: "H0001", day: next))
                .records.records
            #expect(nextRecords.map(\.sourceId) == [late.receiptNo, crossDay.receiptNo])
            #expect(nextRecords.map(\.kind) == [.payment, .refund])
            #expect(nextRecords.allSatisfy { $0.day == next })

            let empty = try await his.settlementFile(hospitalCode: "H0001", day: "2026-01-01")
            #expect(try HISSettlementFile.parse(empty).records.isEmpty)
            #expect(String(decoding: empty, as: UTF8.self).hasSuffix("TOTAL,0,0,0\n"))
        }
    }
}
