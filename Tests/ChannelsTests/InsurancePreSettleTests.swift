import Foundation
import HuiminCore
@testable import Insurance
import Testing
import Transport

@Suite("Insurance pre-settlement (6201 + 6202) against the sandbox centre")
struct InsurancePreSettleTests {
    @Test("a mixed bill splits by the published rule, exactly, and holds the account share")
    func mixedBill() async throws {
        try await InsuranceHarness.run { ins in
            let idNumber = InsuranceHarness.newIDNumber()
            let request = ins.request(idNumber, authCode: try await ins.authCode(idNumber), items: InsuranceHarness.mixedBill)
            let split = try await ins.client.preSettle(request)
            #expect(split.totalFen == 16_334)
            #expect(split.fundFen == 9_333)
            #expect(split.accountFen == 7_001)
            #expect(split.cashFen == 0)
            #expect(split.fundFen + split.accountFen + split.cashFen == split.totalFen)
            #expect(split.payOrderID.hasPrefix("ORD450102"))
            #expect(split.settlementID == nil)
            #expect(split.personNo?.count == 30)
            #expect(split.visitID != nil)
            #expect(try await ins.balanceFen(idNumber) == 80_000 - 7_001)

            // The same order again (a retry): the same pay order, and the account is not charged twice.
            let again = try await ins.client.preSettle(request)
            #expect(again == split)
            #expect(try await ins.balanceFen(idNumber) == 80_000 - 7_001)
            let view = try await ins.sandbox.get("/sandbox/insurance/orders/\(split.payOrderID)")
            #expect(view["ordStas"] as? String == "1")
            #expect(view["tradeNo"] as? String == request.tradeNo)
        }
    }

    @Test("no covered lines and an empty account: all cash")
    func allCash() async throws {
        try await InsuranceHarness.run { ins in
            let items = [
                InsuranceBillItem(code: "G0001", name: "普通门诊挂号", category: .registration, amountFen: 1_000),
                InsuranceBillItem(code: "C0001", name: "中药饮片", category: .herbalPieces, amountFen: 4_567),
            ]
            let split = try await ins.preSettled(items, idNumber: InsuranceHarness.emptyAccountID)
            #expect(split.totalFen == 5_567)
            #expect(split.fundFen == 0)
            #expect(split.accountFen == 0)
            #expect(split.cashFen == 5_567)
        }
    }

    @Test("no covered lines with a full account: the account pays it all")
    func accountPays() async throws {
        try await InsuranceHarness.run { ins in
            let items = [InsuranceBillItem(code: "G0001", name: "普通门诊挂号", category: .registration, amountFen: 1_000)]
            let split = try await ins.preSettled(items)
            #expect(split.fundFen == 0)
            #expect(split.accountFen == 1_000)
            #expect(split.cashFen == 0)
        }
    }

    @Test("an account smaller than its share: it pays its balance, cash the rest")
    func smallAccount() async throws {
        try await InsuranceHarness.run { ins in
            let idNumber = InsuranceHarness.smallAccountID
            let before = try #require(try await ins.balanceFen(idNumber))
            let split = try await ins.preSettled(idNumber: idNumber)
            #expect(split.fundFen == 9_333)
            #expect(split.accountFen == before)
            #expect(split.cashFen == 16_334 - 9_333 - before)
            #expect(try await ins.balanceFen(idNumber) == 0)
            // Give the balance back for the other tests in this process.
            try await ins.client.cancel(payOrderID: split.payOrderID)
            #expect(try await ins.balanceFen(idNumber) == before)
        }
    }

    @Test("a bad, expired or someone else's auth code is refused; so is a person not insured")
    func authorisation() async throws {
        try await InsuranceHarness.run { ins in
            let idNumber = InsuranceHarness.newIDNumber()
            let bogus = await appError {
                try await ins.client.preSettle(ins.request(idNumber, authCode: "AUTHnotissued", items: InsuranceHarness.mixedBill))
            }
            #expect(bogus?.code == "insurance_2001")
            #expect(bogus?.status == 422)

            let someoneElses = try await ins.authCode(InsuranceHarness.newIDNumber())
            let mismatch = await appError {
                try await ins.client.preSettle(ins.request(idNumber, authCode: someoneElses, items: InsuranceHarness.mixedBill))
            }
            #expect(mismatch?.code == "insurance_2003")

            let stale = try await ins.authCode(idNumber)
            ins.clock.advance(by: 301)
            let expired = await appError {
                try await ins.client.preSettle(ins.request(idNumber, authCode: stale, items: InsuranceHarness.mixedBill))
            }
            #expect(expired?.code == "insurance_2001")

            let uninsured = InsuranceHarness.uninsuredID
            let refused = await appError {
                try await ins.client.preSettle(ins.request(uninsured, authCode: try await ins.authCode(uninsured),
                                                           items: InsuranceHarness.mixedBill))
            }
            #expect(refused?.code == "insurance_2002")
            #expect(refused?.status == 422)
        }
    }

    @Test("a bill whose lines do not add up is refused before it is sent")
    func billInvalid() async throws {
        try await InsuranceHarness.run { ins in
            var request = ins.request(InsuranceHarness.newIDNumber(), authCode: "AUTHx", items: InsuranceHarness.mixedBill)
            request.totalFen += 1
            #expect(await appError { try await ins.client.preSettle(request) }?.code == "insurance_bill_invalid")
            request.items = []
            request.totalFen = 0
            #expect(await appError { try await ins.client.preSettle(request) }?.status == 400)
        }
    }

    @Test("a timeout fault is insurance_timeout; an error fault is insurance_<code>")
    func faults() async throws {
        try await InsuranceHarness.run(timeout: 3) { ins in
            let idNumber = InsuranceHarness.newIDNumber()
            let code = try await ins.authCode(idNumber)
            try await ins.sandbox.fault("insurance", kind: "timeout")
            let timeout = await appError {
                try await ins.client.preSettle(ins.request(idNumber, authCode: code, items: InsuranceHarness.mixedBill))
            }
            #expect(timeout?.code == "insurance_timeout")
            #expect(timeout?.status == 504)

            try await ins.sandbox.fault("insurance", kind: "error", errorCode: "9999")
            // An answered call gets a roomy timeout, so a loaded machine cannot turn it into a timeout.
            let roomy = InsuranceClient(configuration: ins.configuration, transport: SandboxHarness.control, clock: ins.clock)
            let busy = await appError { try await roomy.query(payOrderID: "ORD000") }
            #expect(busy?.code == "insurance_9999")
            #expect(busy?.status == 502)
        }
    }
}
