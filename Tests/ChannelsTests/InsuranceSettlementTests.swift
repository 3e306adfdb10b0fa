import Foundation
import HuiminCore
@testable import Insurance
import Sandbox
import Testing
import Transport

@Suite("Insurance settlement, cancellation and refunds against the sandbox centre")
struct InsuranceSettlementTests {
    @Test("pending until the cashier reports the cash paid; then settled with setl_id and time")
    func settle() async throws {
        try await InsuranceHarness.run { ins in
            let split = try await ins.preSettled()
            #expect(try await ins.client.query(payOrderID: split.payOrderID) == .pending(orderStatus: "1"))
            ins.clock.advance(by: 42)
            try await ins.settle(split.payOrderID)
            guard case .settled(let settlement) = try await ins.client.query(payOrderID: split.payOrderID) else {
                Issue.record("not settled")
                return
            }
            #expect(settlement.settlementID.hasPrefix("SETL"))
            #expect(settlement.payOrderID == split.payOrderID)
            #expect(settlement.totalFen == split.totalFen)
            #expect(settlement.fundFen == split.fundFen)
            #expect(settlement.accountFen == split.accountFen)
            #expect(settlement.cashFen == split.cashFen)
            #expect(settlement.personNo == split.personNo)
            #expect(settlement.settledAt == Date(timeIntervalSince1970: ins.clock.now().timeIntervalSince1970.rounded(.down)))
            // A settled order cannot be revoked.
            let revoke = await appError { try await ins.client.cancel(payOrderID: split.payOrderID) }
            #expect(revoke?.code == "insurance_3002")
            #expect(revoke?.status == 409)
        }
    }

    @Test("cancelling an unpaid order: cancelled, the account share back, repeatable; it cannot settle")
    func cancel() async throws {
        try await InsuranceHarness.run { ins in
            let idNumber = InsuranceHarness.newIDNumber()
            let split = try await ins.preSettled(idNumber: idNumber)
            #expect(try await ins.balanceFen(idNumber) == 80_000 - split.accountFen)
            try await ins.client.cancel(payOrderID: split.payOrderID)
            #expect(try await ins.client.query(payOrderID: split.payOrderID) == .cancelled(orderStatus: "12"))
            #expect(try await ins.balanceFen(idNumber) == 80_000)
            try await ins.client.cancel(payOrderID: split.payOrderID)
            #expect(try await ins.balanceFen(idNumber) == 80_000)
            let settled = try await ins.settle(split.payOrderID)
            #expect(settled["error"] != nil)
        }
    }

    @Test("an unknown pay order is insurance_3001 (404) for query, cancel and refund")
    func unknownOrder() async throws {
        try await InsuranceHarness.run { ins in
            let query = await appError { try await ins.client.query(payOrderID: "ORD450102209901010000000000") }
            #expect(query?.code == "insurance_3001")
            #expect(query?.status == 404)
            #expect(await appError { try await ins.client.cancel(payOrderID: "ORDnone") }?.code == "insurance_3001")
            let refund = await appError {
                try await ins.client.refund(payOrderID: "ORDnone", refundNo: "RF1", fundFen: 1, accountFen: 0)
            }
            #expect(refund?.code == "insurance_3001")
        }
    }

    @Test("refunds give the account back, are idempotent on the refund number, and stop at what was settled")
    func refunds() async throws {
        try await InsuranceHarness.run { ins in
            let idNumber = InsuranceHarness.newIDNumber()
            let split = try await ins.preSettled(idNumber: idNumber)
            let notYet = await appError {
                try await ins.client.refund(payOrderID: split.payOrderID, refundNo: "RF0", fundFen: 100, accountFen: 0)
            }
            #expect(notYet?.code == "insurance_3002")
            try await ins.settle(split.payOrderID)
            let balance = 80_000 - split.accountFen

            ins.clock.advance(by: 60)
            let first = try await ins.client.refund(payOrderID: split.payOrderID, refundNo: "RF1-" + split.payOrderID,
                                                    fundFen: 1_000, accountFen: 500)
            #expect(first.status == "SUCC")
            #expect(first.fundFen == 1_000)
            #expect(first.accountFen == 500)
            #expect(first.refundedAt == Date(timeIntervalSince1970: ins.clock.now().timeIntervalSince1970.rounded(.down)))
            #expect(try await ins.balanceFen(idNumber) == balance + 500)

            // The same refund number again: the first answer, and nothing moves.
            ins.clock.advance(by: 5)
            let again = try await ins.client.refund(payOrderID: split.payOrderID, refundNo: "RF1-" + split.payOrderID,
                                                    fundFen: 1_000, accountFen: 500)
            #expect(again == first)
            #expect(try await ins.balanceFen(idNumber) == balance + 500)
            let conflict = await appError {
                try await ins.client.refund(payOrderID: split.payOrderID, refundNo: "RF1-" + split.payOrderID,
                                            fundFen: 999, accountFen: 500)
            }
            #expect(conflict?.code == "insurance_3005")
            #expect(conflict?.status == 409)

            let over = await appError {
                try await ins.client.refund(payOrderID: split.payOrderID, refundNo: "RF2-" + split.payOrderID,
                                            fundFen: split.fundFen, accountFen: 0)
            }
            #expect(over?.code == "insurance_3004")
            #expect(over?.status == 409)

            // The rest: the order is fully refunded (ordStas 8) and the whole account share is back.
            _ = try await ins.client.refund(payOrderID: split.payOrderID, refundNo: "RF3-" + split.payOrderID,
                                            fundFen: split.fundFen - 1_000, accountFen: split.accountFen - 500)
            #expect(try await ins.balanceFen(idNumber) == 80_000)
            guard case .refunded(let settlement, let status) = try await ins.client.query(payOrderID: split.payOrderID) else {
                Issue.record("not refunded")
                return
            }
            #expect(status == "8")
            #expect(settlement.totalFen == split.totalFen)
            let view = try await ins.sandbox.get("/sandbox/insurance/orders/\(split.payOrderID)")
            #expect((view["refunds"] as? [Any])?.count == 2)
        }
    }

    @Test("the centre refuses unsigned and forged requests; the client refuses answers it cannot verify")
    func signatures() async throws {
        try await InsuranceHarness.run { ins in
            // Unsigned: HTTP 401 with infcode 1002.
            let url = ins.configuration.baseURL + "/org/local/api/hos/query_order_info"
            let body = #"{"infno":"6301","input":{"data":{"payOrdId":"ORD1"}}}"#
            let response = try await SandboxHarness.control.send(OutboundRequest(
                method: "POST", url: url, headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
            #expect(response.status == 401)
            let reply = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            #expect((reply?["infcode"] as? NSNumber)?.intValue == 1002)

            // Signed with a key the centre does not know.
            var forged = ins.configuration
            forged.privateKey = try SM2PrivateKey.generate()
            let forger = InsuranceClient(configuration: forged, transport: ins.sandbox.transport, clock: ins.clock)
            let refused = await appError { try await forger.query(payOrderID: "ORD1") }
            #expect(refused?.code == "insurance_1002")
            #expect(refused?.status == 502)

            // Trusting another centre key: the sandbox's answers do not verify.
            var distrustful = ins.configuration
            distrustful.centrePublicKey = try SM2PrivateKey.generate().publicKey
            let doubter = InsuranceClient(configuration: distrustful, transport: ins.sandbox.transport, clock: ins.clock)
            let unsigned = await appError { try await doubter.query(payOrderID: "ORD1") }
            #expect(unsigned?.code == "insurance_response_unsigned")
        }
    }
}
