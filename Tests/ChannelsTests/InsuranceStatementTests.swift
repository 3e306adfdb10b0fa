import Foundation
import HuiminCore
@testable import Insurance
import Reconciliation
import Sandbox
import Testing
import Transport

@Suite("The sandbox centre's daily detail (对明细账) through the Insurance client")
struct InsuranceStatementTests {
    /// Two settled orders, the first with its fund part refunded in part (6203).
    static func settledDay(_ ins: InsuranceHarness) async throws -> (InsuranceSplit, InsuranceSplit, setl: [String]) {
        let first = try await ins.preSettled(), second = try await ins.preSettled()
        var ids: [String] = []
        for split in [first, second] {
            ins.clock.advance(by: 60)
            ids.append(try #require(try await ins.settle(split.payOrderID)["setlId"] as? String))
        }
        ins.clock.advance(by: 60)
        _ = try await ins.client.refund(payOrderID: first.payOrderID, refundNo: "RF-STMT-1", fundFen: 1_000, accountFen: 0)
        return (first, second, ids)
    }

    @Test("every settlement and reversal of the day, adding up to the stated totals")
    func theDaysDetail() async throws {
        try await InsuranceHarness.run { ins in
            let (first, second, ids) = try await Self.settledDay(ins)
            let day = BusinessCalendar.day(of: ins.clock.now())
            let statement = try await ins.client.statement(day: day)
            #expect(statement.day == day)
            #expect(statement.count == 3)
            #expect(statement.fundFen == first.fundFen + second.fundFen - 1_000)
            #expect(statement.accountFen == first.accountFen + second.accountFen)
            #expect(statement.cashFen == first.cashFen + second.cashFen)
            #expect(statement.totalFen == first.totalFen + second.totalFen - 1_000)
            let lines = try InsuranceDetailFile.parse(statement.file).lines
            #expect(lines.map(\.settlementID) == [ids[0], ids[1], ids[0]])
            #expect(lines[0].kind == .payment && lines[0].fundFen == first.fundFen && lines[0].cashFen == first.cashFen)
            #expect(lines[0].payOrderID == first.payOrderID)
            #expect(lines[2].kind == .refund && lines[2].refundNo == "RF-STMT-1" && lines[2].fundFen == 1_000 && lines[2].cashFen == 0)

            let tomorrow = try #require(BusinessCalendar.adding(days: 1, to: day))
            let empty = try await ins.client.statement(day: tomorrow)
            #expect(empty.count == 0 && empty.totalFen == 0)
            #expect(try InsuranceDetailFile.parse(empty.file).lines.isEmpty)
            #expect(await appError { try await ins.client.statement(day: "2026-13-01") }?.code == "day_invalid")
        }
    }

    @Test("injected differences: dropped, altered, extra and reversed settlements, until cleared")
    func injectedDifferences() async throws {
        try await InsuranceHarness.run { ins in
            let (_, second, ids) = try await Self.settledDay(ins)
            let day = BusinessCalendar.day(of: ins.clock.now())
            let dropped = try await ins.sandbox.post("/sandbox/insurance/statement-differences", #"{"kind":"drop"}"#)
            #expect(dropped["setl_id"] as? String == ids[1], "without setl_id the latest settlement is meant")
            _ = try await ins.sandbox.post("/sandbox/insurance/statement-differences",
                                           #"{"kind":"alter","setl_id":"\#(ids[0])","part":"account","delta_fen":-1}"#)
            let extra = try await ins.sandbox.post("/sandbox/insurance/statement-differences", #"{"kind":"extra"}"#)
            let extraID = try #require(extra["setl_id"] as? String)
            _ = try await ins.sandbox.post("/sandbox/insurance/statement-differences", #"{"kind":"reverse","setl_id":"\#(ids[0])"}"#)
            let unknown = try await ins.sandbox.post("/sandbox/insurance/statement-differences", #"{"kind":"drop","setl_id":"SETLNONE"}"#)
            #expect(unknown["error"] != nil)
            let bad = try await ins.sandbox.post("/sandbox/insurance/statement-differences", #"{"kind":"alter","part":"tip"}"#)
            #expect(bad["error"] != nil)

            let statement = try await ins.client.statement(day: day)
            let lines = try InsuranceDetailFile.parse(statement.file).lines
            #expect(!lines.contains { $0.settlementID == ids[1] }, "dropped")
            let altered = try #require(lines.first { $0.settlementID == ids[0] && $0.kind == .payment })
            let reversal = try #require(lines.first { $0.kind == .refund && $0.refundNo.isEmpty }, "the centre's own 撤销")
            #expect(altered.totalFen == reversal.totalFen - 1 && altered.accountFen == reversal.accountFen - 1)
            #expect(lines.contains { $0.settlementID == extraID && $0.kind == .payment && $0.totalFen == 10_000 })
            #expect(lines.filter { $0.settlementID == ids[0] && $0.kind == .refund }.count == 2, "its refund and the centre's reversal")

            let cleared = try await ins.sandbox.transport.send(OutboundRequest(
                method: "DELETE", url: ins.sandbox.baseURL + "/sandbox/insurance/statement-differences", headers: [], body: []))
            #expect(cleared.status == 204)
            let truth = try InsuranceDetailFile.parse(try await ins.client.statement(day: day).file).lines
            #expect(truth.filter { $0.kind == .payment }.map(\.settlementID) == ids)
            #expect(truth.first { $0.settlementID == ids[1] }?.totalFen == second.totalFen)
        }
    }
}
