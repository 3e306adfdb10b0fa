import Foundation
import HuiminCore
import Testing
@testable import Reconciliation

/// 医保对明细账: the centre's detail file read, and matched with Huimin's insurance orders part by part.
@Suite struct InsuranceReconciliationTests {
    static let day = "2026-12-07"

    @Test(arguments: [(1, 10), (2, 400), (3, 5_000)])
    func reportsExactlyTheInjectedInsuranceDifferences(_ run: (UInt64, Int)) throws {
        let g = try Generator.insuranceDay(seed: run.0, settlements: run.1, day: Self.day)
        let centre = try InsuranceDetailFile.parse(g.centreFile)
        let result = InsuranceReconciler.reconcile(InsuranceReconciliationInput(day: g.day, merchant: g.merchant,
                                                                               centre: centre.lines, huimin: g.huimin))
        let found = Fixture.found(result)
        #expect(found == g.expected, "missing: \(Set(g.expected).subtracting(found)) extra: \(Set(found).subtracting(g.expected))")
        #expect(Set(g.expected.map(\.kind)) == [.channelOnly, .huiminOnly, .amountMismatch, .statusMismatch])
        #expect(Set(g.expected.compactMap(\.part)) == Set(InsurancePart.allCases))
        #expect(result.summary.differences.reduce(0) { $0 + $1.count } == g.expected.count)
        #expect(Set(result.differences.map(\.id)).count == result.differences.count, "one ID per part and settlement")
        #expect(result.differences.allSatisfy { $0.channel == .insurance && $0.settlementId?.hasPrefix("SETL") == true })
        #expect(result.summary.matched >= run.1, "the ordinary settlements (and their refunds) match")
        // The summary's per-part totals are the file's own, and Huimin's of the day.
        let insurance = try #require(result.summary.insurance)
        #expect(insurance.centre == centre.totals)
        let huiminLines = g.huimin.flatMap(\.lines).filter { $0.day == Self.day }
        #expect(insurance.huimin.fundFen == huiminLines.filter { $0.kind == .payment }.reduce(0) { $0 + $1.fundFen })
        #expect(insurance.huimin.settlements == huiminLines.filter { $0.kind == .payment }.count)
        #expect(result.summary.channelBill.payments.amountFen == centre.totals.totalFen)
    }

    @Test func theSameDayTwiceGivesTheSameResult() throws {
        let g = try Generator.insuranceDay(seed: 9, settlements: 200, day: Self.day)
        let input = InsuranceReconciliationInput(day: g.day, merchant: g.merchant,
                                                 centre: try InsuranceDetailFile.parse(g.centreFile).lines, huimin: g.huimin)
        #expect(InsuranceReconciler.reconcile(input) == InsuranceReconciler.reconcile(input))
        #expect(try Generator.insuranceDay(seed: 9, settlements: 200, day: Self.day).centreFile == g.centreFile)
    }

    @Test func aPartWithinToleranceProposesAWriteOff() throws {
        let order = InsuranceOrder(payOrderID: "ORD1", tradeNo: "P1", state: .settled, settlementID: "SETL1", fundFen: 700,
                                   accountFen: 200, cashFen: 100, settledAt: 1_796_000_000)
        var line = order.lines[0]
        line.accountFen += 1
        line.totalFen += 1
        let day = line.day
        let strict = InsuranceReconciler.reconcile(.init(day: day, merchant: "H1", centre: [line], huimin: [order]))
        #expect(strict.differences.map(\.proposedAction) == [.investigate])
        #expect(strict.differences.first?.deltaFen == 1)
        #expect(strict.differences.first?.amounts.huiminFen == 200 && strict.differences.first?.amounts.channelFen == 201)
        let tolerant = InsuranceReconciler.reconcile(.init(day: day, merchant: "H1", centre: [line], huimin: [order],
                                                           writeOffToleranceFen: 1))
        #expect(tolerant.differences.map(\.proposedAction) == [.writeOff])
    }

    // MARK: The file

    static let header = "setl_id\tmdtrt_id\tpsn_no\tmedfee_sumamt\tfund_pay_sumamt\tacct_pay\tpsn_cash_pay\trefd_setl_flag\tsetl_time\tmedins_setl_id\tpay_ord_id\tapp_refd_sn"

    @Test func readsSettlementsAndReversalsWithNullsAndAnyColumnOrder() throws {
        let text = """
            # 惠民 sandbox statement
            \(Self.header)
            SETL1\tMDT1\tnull\t100.00\t70.00\t20.00\t10.00\t0\t2026-12-07 10:00:00\tP1\tORD1\tnull
            SETL1\tMDT1\tnull\t-20.00\t-15\t-5.0\t0\t1\t2026-12-07 11:00:00\tP1\tORD1\tRF1
            """
        let parsed = try InsuranceDetailFile.parse(Array(text.utf8))
        #expect(parsed.lines.count == 2)
        #expect(parsed.lines[0] == InsuranceLine(kind: .payment, settlementID: "SETL1", tradeNo: "P1", payOrderID: "ORD1", fundFen: 7_000,
                                                 accountFen: 2_000, cashFen: 1_000, time: parsed.lines[0].time, line: 3))
        #expect(parsed.lines[1].kind == .refund && parsed.lines[1].refundNo == "RF1" && parsed.lines[1].fundFen == 1_500)
        #expect(parsed.lines[0].day == "2026-12-07")
        #expect(parsed.totals.fundFen == 7_000 && parsed.totals.refundFundFen == 1_500 && parsed.totals.refunds == 1)
        // Without a cash column the cash is what the fund and the account leave.
        let short = "setl_time\trefd_setl_flag\tsetl_id\tmedfee_sumamt\tfund_pay_sumamt\tacct_pay\n2026-12-07 10:00:00\t0\tS2\t12.34\t10\t2.00\n"
        #expect(try InsuranceDetailFile.parse(Array(short.utf8)).lines.first?.cashFen == 34)
        // What the writer writes, the parser reads back.
        #expect(try InsuranceDetailFile.parse(InsuranceDetailFile.write(parsed.lines)).lines.map(\.fundFen) == [7_000, 1_500])
    }

    @Test(arguments: [
        ("SETL1\tnull\tnull\t100.00\t70.00\t20.00\t20.00\t0\t2026-12-07 10:00:00\tnull\tnull\tnull", "parts"),
        ("SETL1\tnull\tnull\t100.001\t70.00\t20.00\t10.00\t0\t2026-12-07 10:00:00\tnull\tnull\tnull", "amount"),
        ("SETL1\tnull\tnull\t-100.00\t-70.00\t-20.00\t-10.00\t0\t2026-12-07 10:00:00\tnull\tnull\tnull", "sign"),
        ("SETL1\tnull\tnull\t100.00\t70.00\t20.00\t10.00\t2\t2026-12-07 10:00:00\tnull\tnull\tnull", "flag"),
        ("SETL1\tnull\tnull\t100.00\t70.00\t20.00\t10.00\t0\t2026-12-07\tnull\tnull\tnull", "time"),
        ("null\tnull\tnull\t100.00\t70.00\t20.00\t10.00\t0\t2026-12-07 10:00:00\tnull\tnull\tnull", "setl_id"),
        ("SETL1\t100.00", "fields"),
    ])
    func refusesMalformedLines(_ row: (String, String)) throws {
        let error = #expect(throws: AppError.self, "\(row.1)") {
            try InsuranceDetailFile.parse(Array("\(Self.header)\n\(row.0)\n".utf8))
        }
        #expect(error?.code.hasPrefix("bill_") == true, "\(row.1): \(String(describing: error))")
    }

    @Test func refusesAFileWithoutItsHeaderOrWithASettlementTwice() throws {
        let headerless = #expect(throws: AppError.self) { try InsuranceDetailFile.parse(Array("SETL1\t100.00\n".utf8)) }
        #expect(headerless?.code.isEmpty == false)
        let line = "SETL1\tnull\tnull\t1.00\t0.70\t0.20\t0.10\t0\t2026-12-07 10:00:00\tnull\tnull\tnull"
        #expect(throws: AppError.self) { try InsuranceDetailFile.parse(Array("\(Self.header)\n\(line)\n\(line)\n".utf8)) }
    }
}
