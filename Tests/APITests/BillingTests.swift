import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Testing

/// Clinic bills (门诊缴费), scan-to-pay (扫码付) and deposits (住院预缴金): pushed by the HIS, paid
/// through a channel, posted back to the HIS, and refunded when the HIS will not take them.
@Suite struct BillingTests {
    typealias B = BillingFixture
    typealias P = PaymentFixture

    @Test func aResidentPaysAPushedBillAndTheHISBooksIt() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, terminal) = try await B.cardHolder(h, client)
                let push = try await B.issue(h)
                let pushed = try await terminal.call(client, h, .put, "/integration/v1/bills/\(push["bill_no"] as? String ?? "")",
                                                     json: try B.json(push))
                #expect(pushed.status == 201, "\(pushed.body)")
                let bill = pushed.object("bill")
                #expect(bill["totalFen"] as? Int == 3550)
                #expect((bill["payCode"] as? String)?.count == 32, "the HIS prints it as the bill's QR code")
                let billNo = try #require(bill["billNo"] as? String)
                let billID = try #require(bill["id"] as? String)

                let listed = try await client.call(.get, "/api/v1/bills", token: resident.token)
                let bills = listed["bills"] as? [[String: any Sendable]] ?? []
                #expect(bills.map { $0["id"] as? String } == [billID])
                #expect(bills.first?["state"] as? String == "unpaid")
                #expect(bills.first?["memberId"] as? String == resident.selfMemberID)
                #expect(bills.first?["payCode"] == nil, "the QR token is the HIS's to print, not the resident's to pass on")
                #expect((bills.first?["items"] as? [Any])?.count == 2)

                let ordered = try await B.payBill(client, resident, #"{"businessType":"clinic_bill","billId":"\#(billID)","channel":"wechat"}"#,
                                                  key: "bill-1")
                #expect(ordered.status == 201, "\(ordered.body)")
                let payment = ordered.object("payment")
                #expect(payment["amountFen"] as? Int == 3550)
                #expect(payment["businessType"] as? String == "clinic_bill")
                try await B.paid(h, client, payment)
                let id = try #require(payment["id"] as? String)
                #expect(try await client.call(.get, "/api/v1/bills/\(billID)", token: resident.token).object("bill")["state"] as? String == "paid")

                // Posted to the HIS as the payment is taken, so the patient can go on to the pharmacy.
                let posted = try await P.payment(client, resident, id)
                let his = try #require(posted["his"] as? [String: any Sendable])
                #expect(his["state"] as? String == "posted")
                #expect((his["receiptNo"] as? String)?.isEmpty == false)
                let atHIS = try await h.sandboxJSON("GET", "/sandbox/his/bills?hospital=H0001&patient_id=\(B.patientID)")
                let hisBill = try #require((atHIS["bills"] as? [[String: Any]])?.first { $0["bill_no"] as? String == billNo })
                #expect(hisBill["state"] as? String == "paid")
                #expect(hisBill["trade_no"] as? String == payment["tradeNo"] as? String)
                #expect(try await h.services.paymentSweeper.pass().postedToHIS == 0, "posted once")
                #expect(try await CatalogKit.count(h, "SELECT COUNT(*) FROM audit_log WHERE action = 'his.posted'") == 1)

                // The HIS pushing the same bill again changes nothing; a paid bill pays no more.
                let again = try await terminal.call(client, h, .put, "/integration/v1/bills/\(billNo)", json: try B.json(push))
                #expect(again.status == 200)
                let twice = try await B.payBill(client, resident, #"{"businessType":"clinic_bill","billId":"\#(billID)","channel":"wechat"}"#)
                #expect(twice.errorCode == "bill_not_payable")

                // A cashier refunds part of it (a drug returned): the HIS books the refund too (退费入账).
                let cashier = try await CatalogKit.staff(h, client, role: "cashier")
                let refunded = try await client.call(.post, "/api/v1/staff/payments/\(id)/refunds", token: cashier,
                                                     json: #"{"amountFen":1275,"reason":"退药"}"#)
                #expect(refunded.status == 201, "\(refunded.body)")
                let refundNo = try #require((refunded.object("payment")["refunds"] as? [[String: any Sendable]])?.first?["refundNo"] as? String)
                _ = try await h.services.paymentSweeper.pass()
                let booked = try await h.sandboxJSON("GET", "/sandbox/his/settlements?hospital=H0001")
                let refundLine = (booked["settlements"] as? [[String: Any]])?.first { $0["refund_no"] as? String == refundNo }
                #expect(refundLine?["kind"] as? String == "refund", "\(booked)")
                #expect(refundLine?["amount_fen"] as? Int == 1275)
                _ = try await h.services.paymentSweeper.pass()
                let lines = (try await h.sandboxJSON("GET", "/sandbox/his/settlements?hospital=H0001")["settlements"] as? [[String: Any]]) ?? []
                #expect(lines.filter { $0["refund_no"] as? String == refundNo }.count == 1, "booked once")
            }
        }
    }

    @Test func aBillPaidAtTheWindowMeanwhileIsRefundedAutomatically() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, bill, payment) = try await B.billOrdered(h, client)
                _ = try await h.sandboxJSON("POST", "/sandbox/his/bills/\(bill["billNo"] as? String ?? "")/window-payment",
                                            body: #"{"hospital":"H0001"}"#)
                try await B.paid(h, client, payment)
                let refunded = try await P.payment(client, resident, try #require(payment["id"] as? String))
                #expect(refunded["state"] as? String == "refunded", "\(refunded)")
                #expect((refunded["his"] as? [String: any Sendable])?["state"] as? String == "refused")
                let refunds = refunded["refunds"] as? [[String: any Sendable]] ?? []
                #expect(refunds.map { $0["cause"] as? String } == ["his_refused"])
                #expect(refunds.first?["amountFen"] as? Int == 3550)
                let shown = try await client.call(.get, "/api/v1/bills/\(bill["id"] as? String ?? "")", token: resident.token)
                #expect(shown.object("bill")["state"] as? String == "withdrawn")
            }
        }
    }

    @Test func aHISThatIsDownWhenTheMoneyArrivesIsAskedAgainUntilItBooks() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, _, payment) = try await B.billOrdered(h, client)
                let id = try #require(payment["id"] as? String)
                _ = try await h.sandboxJSON("POST", "/sandbox/faults", body: #"{"service":"his","kind":"error","times":1}"#)
                try await B.paid(h, client, payment)
                let waiting = try #require(try await P.payment(client, resident, id)["his"] as? [String: any Sendable])
                #expect(waiting["state"] as? String == "pending")
                #expect(waiting["attempts"] as? Int == 1)
                #expect(try await h.services.paymentSweeper.pass().postedToHIS == 0, "not before its pause")
                let cashier = try await CatalogKit.staff(h, client, role: "cashier")
                let stuck = try await client.call(.get, "/api/v1/staff/his-postings?state=pending&hospital=H0001", token: cashier)
                let item = try #require((stuck["postings"] as? [[String: any Sendable]])?.first, "\(stuck.body)")
                #expect(item["paymentId"] as? String == id)
                #expect((item["lastError"] as? String)?.isEmpty == false, "the cashier sees why")
                #expect(try await client.call(.get, "/api/v1/staff/his-postings?state=lost", token: cashier).errorCode == "posting_state_invalid")
                #expect(try await client.call(.get, "/api/v1/staff/his-postings", token: resident.token).status == 401)
                h.clock.advance(by: 31)
                #expect(try await h.services.paymentSweeper.pass().postedToHIS == 1)
                let posted = try #require(try await P.payment(client, resident, id)["his"] as? [String: any Sendable])
                #expect(posted["state"] as? String == "posted")
                #expect(posted["attempts"] as? Int == 2)
                let after = try await client.call(.get, "/api/v1/staff/his-postings?state=pending", token: cashier)
                #expect((after["postings"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test func aStrangerPaysABillFromItsQRCode() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (holder, terminal) = try await B.cardHolder(h, client)
                let bill = try await B.issueAndPush(h, client, terminal: terminal)
                let code = try #require(bill["payCode"] as? String)
                let relative = try await Resident.register(h, client, phone: "13900139000", idNumber: "440524188001010014", name: "测试乙")

                let seen = try await client.call(.get, "/api/v1/bill-codes/\(code)", token: relative.token)
                #expect(seen.status == 200)
                #expect(seen.object("bill")["memberId"] == nil)
                #expect(seen.object("bill")["totalFen"] as? Int == 3550)
                #expect(try await client.call(.get, "/api/v1/bill-codes/\(String(repeating: "0", count: 32))", token: relative.token)
                    .errorCode == "pay_code_invalid")
                #expect(try await client.call(.get, "/api/v1/bills/\(bill["id"] as? String ?? "")", token: relative.token)
                    .errorCode == "bill_not_found", "the bill's list is the patient's family's")

                let ordered = try await B.payBill(client, relative, #"{"businessType":"scan_to_pay","payCode":"\#(code)","channel":"wechat"}"#)
                #expect(ordered.status == 201, "\(ordered.body)")
                #expect(ordered.object("payment")["businessType"] as? String == "scan_to_pay")
                let byHolder = try await B.payBill(client, holder,
                                                   #"{"businessType":"clinic_bill","billId":"\#(bill["id"] as? String ?? "")","channel":"wechat"}"#)
                #expect(byHolder.status == 409, "one open order a bill, and not another account's")
                #expect(byHolder.errorCode == "bill_being_paid")
                try await B.paid(h, client, ordered.object("payment"))
                let paid = try await P.payment(client, relative, try #require(ordered.object("payment")["id"] as? String))
                #expect((paid["his"] as? [String: any Sendable])?["state"] as? String == "posted")
            }
        }
    }

    @Test func badBillPushesAreRefusedAndKeepNothing() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, terminal) = try await B.cardHolder(h, client)
                var push = try await B.issue(h)
                let billNo = try #require(push["bill_no"] as? String)
                push["total_fen"] = 3551
                let wrongTotal = try await terminal.call(client, h, .put, "/integration/v1/bills/\(billNo)", json: try B.json(push))
                #expect(wrongTotal.status == 422)
                #expect(wrongTotal.errorCode == "bill_amounts_mismatch")
                push["total_fen"] = 3550
                var items = try #require(push["items"] as? [[String: Any]])
                items[0]["quantity"] = "3"
                push["items"] = items
                #expect(try await terminal.call(client, h, .put, "/integration/v1/bills/\(billNo)", json: try B.json(push))
                    .errorCode == "bill_amounts_mismatch", "price × quantity is not the amount")
                items[0]["quantity"] = "two"
                push["items"] = items
                #expect(try await terminal.call(client, h, .put, "/integration/v1/bills/\(billNo)", json: try B.json(push))
                    .errorCode == "bill_items_invalid")
                items[0]["quantity"] = "2"
                push["items"] = items
                push["created_at"] = "yesterday"
                #expect(try await terminal.call(client, h, .put, "/integration/v1/bills/\(billNo)", json: try B.json(push))
                    .errorCode == "bill_time_invalid")
                #expect(try await client.call(.put, "/integration/v1/bills/\(billNo)", json: try B.json(push)).status == 401,
                        "unsigned")
                #expect(try await terminal.call(client, h, .put, "/integration/v1/bills/bad%20no", json: "{}").status == 400)
                let listed = try await client.call(.get, "/api/v1/bills", token: resident.token)
                #expect((listed["bills"] as? [Any])?.isEmpty == true, "nothing half-kept")
                #expect(try await B.payBill(client, resident, #"{"businessType":"clinic_bill","channel":"wechat"}"#).errorCode == "bill_id_missing")
                #expect(try await B.payBill(client, resident, #"{"businessType":"tip","channel":"wechat"}"#).errorCode == "business_type_invalid")
            }
        }
    }

    @Test func aFamilyTopsUpADepositReadsTheDailyListAndNotAfterDischarge() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, _) = try await B.cardHolder(h, client)
                let admitted = try await h.sandboxJSON("POST", "/sandbox/his/inpatients", body: """
                    {"hospital":"H0001","patient_id":"\(B.patientID)","name":"测试甲","department":"心内科","ward":"5病区","bed":"12","deposit_fen":100000}
                    """)
                let admission = try #require((admitted["inpatient"] as? [String: Any])?["admission_no"] as? String, "\(admitted)")
                let member = resident.selfMemberID
                let stays = try await client.call(.get, "/api/v1/inpatients?memberId=\(member)", token: resident.token)
                let stay = try #require((stays["inpatients"] as? [[String: any Sendable]])?.first, "\(stays.body)")
                #expect(stay["admissionNo"] as? String == admission)
                #expect(stay["name"] as? String == "测**", "masked")
                #expect(stay["depositBalanceFen"] as? Int == 100000)

                func topUp(_ fen: Int) async throws -> APIResult {
                    try await B.payBill(client, resident, """
                        {"businessType":"deposit","memberId":"\(member)","hospitalCode":"H0001","admissionNo":"\(admission)","amountFen":\(fen),"channel":"wechat"}
                        """)
                }
                #expect(try await topUp(0).errorCode == "deposit_amount_invalid")
                let ordered = try await topUp(200000)
                #expect(ordered.status == 201, "\(ordered.body)")
                try await B.paid(h, client, ordered.object("payment"))
                let after = try await client.call(.get, "/api/v1/inpatients?memberId=\(member)", token: resident.token)
                #expect((after["inpatients"] as? [[String: any Sendable]])?.first?["depositBalanceFen"] as? Int == 300000)

                let day = BusinessCalendar.day(of: h.clock.now())
                _ = try await h.sandboxJSON("POST", "/sandbox/his/inpatients/\(admission)/charges", body: """
                    {"hospital":"H0001","day":"\(day)","items":[{"category":"床位费","code":"C001","name":"普通病床","unit":"日","quantity":"1","unit_price_fen":5000,"amount_fen":5000},
                     {"category":"西药费","code":"X020","name":"氯化钠注射液","specification":"250ml","unit":"袋","quantity":"2","unit_price_fen":450,"amount_fen":900}]}
                    """)
                let list = try await client.call(.get, "/api/v1/inpatients/H0001/\(admission)/daily-list?memberId=\(member)&day=\(day)",
                                                 token: resident.token)
                #expect(list.status == 200, "\(list.body)")
                #expect(list["totalFen"] as? Int == 5900)
                #expect((list["items"] as? [Any])?.count == 2)
                #expect(try await client.call(.get, "/api/v1/inpatients/H0001/\(admission)/daily-list?memberId=\(member)&day=24-11",
                                              token: resident.token).errorCode == "day_invalid")

                _ = try await h.sandboxJSON("POST", "/sandbox/his/inpatients/\(admission)/discharge", body: #"{"hospital":"H0001"}"#)
                #expect(try await topUp(1000).errorCode == "inpatient_discharged")
            }
        }
    }
}
