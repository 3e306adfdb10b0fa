import Foundation
import HuiminCore
import Hummingbird
import Insurance
import HummingbirdTesting
import Testing

/// A clinic bill paid with medical insurance (医保移动支付): the centre splits it into fund
/// (统筹), personal account (个账) and cash; the channel collects the cash; the HIS is told all
/// three once the centre has settled; a refusal gives both parts back.
@Suite struct InsuranceBillTests {
    typealias B = BillingFixture
    typealias P = PaymentFixture

    /// The sandbox centre's fixture person with a 5.00 yuan personal account.
    static let insuredID = "450102198503150026"

    /// An insured card holder (建档 at H0001), a pushed bill and the resident's authorisation code.
    static func insuredWithBill(_ h: TestHarness, _ client: any TestClientProtocol)
        async throws -> (resident: Resident, bill: [String: any Sendable], payAuthNo: String) {
        let terminal = try await Terminal.connect(h)
        try await P.merchant(h, client)
        try await P.merchant(h, client, channel: "insurance")
        let resident = try await Resident.register(h, client, idNumber: insuredID, name: "覃明")
        let created = try await client.call(.post, "/api/v1/family-members/\(resident.selfMemberID)/patient-cards", token: resident.token,
                                            json: #"{"hospitalCode":"H0001","create":true}"#)
        #expect(created.status == 201, "\(created.body)")
        let patientID = try #require(created.object("card")["patientId"] as? String)
        let bill = try await B.issueAndPush(h, client, terminal: terminal, patient: patientID)
        let auth = try await h.sandboxJSON("POST", "/sandbox/insurance/auth-codes", body: #"{"id_number":"\#(insuredID)"}"#)
        return (resident, bill, try #require(auth["payAuthNo"] as? String, "\(auth)"))
    }

    @Test func theCentreSplitsTheBillTheChannelTakesTheCashAndTheHISGetsAllThree() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, bill, payAuthNo) = try await Self.insuredWithBill(h, client)
                let ordered = try await B.payBill(client, resident, """
                    {"businessType":"clinic_bill","billId":"\(bill["id"] as? String ?? "")","channel":"wechat","insurance":{"payAuthNo":"\(payAuthNo)"}}
                    """)
                #expect(ordered.status == 201, "\(ordered.body)")
                let payment = ordered.object("payment")
                let split = try #require(payment["insurance"] as? [String: any Sendable])
                // The sandbox rule: the fund pays 70 % of 西药费 2550 and 检查费 1000 (1785 + 700); the
                // 5.00 account pays 500 of the rest; cash is 565.
                #expect(split["fundFen"] as? Int == 2485)
                #expect(split["accountFen"] as? Int == 500)
                #expect(split["cashFen"] as? Int == 565)
                #expect(split["state"] as? String == "pre_settled")
                #expect(payment["amountFen"] as? Int == 565, "the channel collects the cash part only")
                let payOrderID = try #require(split["payOrderId"] as? String)

                try await B.paid(h, client, payment)
                let id = try #require(payment["id"] as? String)
                let waiting = try await P.payment(client, resident, id)
                #expect((waiting["his"] as? [String: any Sendable])?["state"] as? String == "pending",
                        "the HIS hears of it once the centre has settled")

                _ = try await h.sandboxJSON("POST", "/sandbox/insurance/orders/\(payOrderID)/settle")
                h.clock.advance(by: 31)
                #expect(try await h.services.paymentSweeper.pass().postedToHIS == 1)
                let posted = try await P.payment(client, resident, id)
                #expect((posted["his"] as? [String: any Sendable])?["state"] as? String == "posted")
                #expect((posted["insurance"] as? [String: any Sendable])?["state"] as? String == "settled")
                let settlements = try await h.sandboxJSON("GET", "/sandbox/his/settlements?hospital=H0001")
                let line = try #require((settlements["settlements"] as? [[String: Any]])?.first { $0["trade_no"] as? String == payment["tradeNo"] as? String })
                #expect(line["amount_fen"] as? Int == 565)
                #expect(line["insurance_fund_fen"] as? Int == 2485)
                #expect(line["insurance_account_fen"] as? Int == 500)
            }
        }
    }

    @Test func aBadAuthorisationIsRefusedAndAnInsuranceThatNeverSettlesSendsTheCashBack() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, bill, payAuthNo) = try await Self.insuredWithBill(h, client)
                let billID = try #require(bill["id"] as? String)
                let forged = try await B.payBill(client, resident, """
                    {"businessType":"clinic_bill","billId":"\(billID)","channel":"wechat","insurance":{"payAuthNo":"AUTH-FORGED"}}
                    """)
                #expect(forged.status == 422, "\(forged.body)")
                #expect(forged.errorCode?.hasPrefix("insurance_") == true)
                let none = try await client.call(.get, "/api/v1/payments", token: resident.token)
                #expect((none["payments"] as? [Any])?.isEmpty == true, "no order is left behind")

                let ordered = try await B.payBill(client, resident, """
                    {"businessType":"clinic_bill","billId":"\(billID)","channel":"wechat","insurance":{"payAuthNo":"\(payAuthNo)"}}
                    """)
                let payment = ordered.object("payment")
                let payOrderID = try #require((payment["insurance"] as? [String: any Sendable])?["payOrderId"] as? String)
                try await B.paid(h, client, payment)
                // The centre cancels (its cashier gave up): the cash goes back and the bill is owed again.
                let centre = InsuranceClient(configuration: try #require(try InsuranceConfiguration.from(settings: h.services.configuration.channels)),
                                             transport: h.transport, clock: h.clock)
                try await centre.cancel(payOrderID: payOrderID)
                h.clock.advance(by: 31)
                #expect(try await h.services.paymentSweeper.pass().refusedByHIS == 1)
                let refunded = try await P.payment(client, resident, try #require(payment["id"] as? String))
                #expect(refunded["state"] as? String == "refunded", "\(refunded)")
                #expect((refunded["insurance"] as? [String: any Sendable])?["state"] as? String == "cancelled")
                let shown = try await client.call(.get, "/api/v1/bills/\(billID)", token: resident.token)
                #expect(shown.object("bill")["state"] as? String == "unpaid", "the bill is still owed")
            }
        }
    }
}
