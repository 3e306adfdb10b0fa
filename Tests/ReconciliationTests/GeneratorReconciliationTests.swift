import Foundation
import HuiminCore
import Testing
@testable import Reconciliation

@Suite struct GeneratorReconciliationTests {
    @Test(arguments: [(1, 30), (2, 300), (3, 3_000), (4, 60_000)], [PaymentChannel.wechat, .alipay, .unionpay])
    func reportsExactlyTheInjectedDifferences(_ run: (Int, Int), _ channel: PaymentChannel) throws {
        let g = try Generator.day(seed: UInt64(run.0), lines: run.1, day: "2026-11-24", channel: channel)
        let result = Reconciler.reconcile(try Fixture.input(g))
        let found = Fixture.found(result)
        #expect(found == g.expected, "missing: \(Set(g.expected).subtracting(found)) extra: \(Set(found).subtracting(g.expected))")
        // Every kind is injected at least once (revocation only exists on WeChat).
        #expect(Set(g.expected.map(\.kind)) == Set(DifferenceKind.allCases))
        #expect(Fixture.crossDayKeys(result) == g.expectedCrossDay)
        #expect(result.pending.isEmpty)
        let summaryCount = result.summary.differences.reduce(0) { $0 + $1.count }
        #expect(summaryCount == g.expected.count)
        #expect(result.summary.channelBill.payments.count > run.1 * 9 / 10)
    }

    @Test func unionPaysClearingDateCarriesTheLastHourIntoTheNextFileAndTheDayStillBalances() throws {
        let g = try Generator.day(seed: 3, lines: 3_000, day: "2026-11-24", channel: .unionpay)
        let today = try ParsedBill.channelBill(.unionpay, g.channelBill)
        let next = try ParsedBill.channelBill(.unionpay, g.channelBillNext)
        let day = try #require(DayNumber.parse("2026-11-24"))
        #expect(today.records.days.contains(day - 1), "yesterday after 23:00 is cleared today")
        #expect(next.records.days.contains(day), "today after 23:00 is cleared tomorrow")
        #expect(!today.records.days.contains(day + 1))
        // Without tomorrow's file the last hour's payments would look unpaid at the channel.
        let alone = Reconciler.reconcile(try Fixture.input(g, neighbours: false))
        #expect(alone.differences.contains { $0.kind == .huiminOnly } || !alone.pending.isEmpty)
        #expect(Fixture.found(Reconciler.reconcile(try Fixture.input(g))) == g.expected)
    }

    @Test func rerunningGivesTheSameResultAndStableIDs() throws {
        let g = try Generator.day(seed: 11, lines: 2_000, day: "2026-11-24", channel: .wechat)
        let a = Reconciler.reconcile(try Fixture.input(g))
        let b = Reconciler.reconcile(try Fixture.input(g))
        #expect(a == b)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(try encoder.encode(a) == encoder.encode(b))
        #expect(Set(a.differences.map(\.id)).count == a.differences.count)
        let first = try #require(a.differences.first)
        #expect(first.id == Difference.makeID(day: "2026-11-24", kind: first.kind, tradeNo: first.tradeNo, refundNo: first.refundNo))
        #expect(first.id.hasPrefix("dif_20261124_"))
        // The same seed generates the same files.
        let again = try Generator.day(seed: 11, lines: 2_000, day: "2026-11-24", channel: .wechat)
        #expect(again.channelBill == g.channelBill && again.hisFile == g.hisFile)
        // A different seed does not.
        let other = try Generator.day(seed: 12, lines: 2_000, day: "2026-11-24", channel: .wechat)
        #expect(other.channelBill != g.channelBill)
    }

    @Test func differencesCarrySidesAmountsAndActions() throws {
        let g = try Generator.day(seed: 5, lines: 200, day: "2026-11-24", channel: .wechat)
        let r = Reconciler.reconcile(try Fixture.input(g))
        let mismatches = r.differences.filter { $0.kind == .amountMismatch && $0.movement == .payment }
        #expect(mismatches.contains { $0.disagreeing == [.channel] && $0.deltaFen == 100 })
        #expect(mismatches.contains { $0.disagreeing == [.his] && $0.deltaFen == -1 })
        let crossed = try #require(mismatches.first { $0.disagreeing == [.his] && $0.deltaFen == 5 })
        #expect(crossed.detail.contains("across days"))
        let missing = try #require(r.differences.first { $0.kind == .hisMissing && $0.movement == .payment })
        #expect(missing.amounts.hisFen == nil && missing.amounts.channelFen == missing.amounts.huiminFen)
        #expect(missing.channelTradeId?.hasPrefix("42000") == true)
        let dup = try #require(r.differences.first { $0.kind == .duplicatePayment })
        #expect(dup.businessRef?.hasPrefix("REG") == true && dup.proposedAction == .refund)
        // Summary figures: fees come from the channel only and are 0.6% rounded per line.
        #expect(r.summary.channelBill.feeFen > 0 && r.summary.huimin.feeFen == 0)
        #expect(r.summary.matched > 150)
        #expect(r.summary.matchedCrossDay == 1)  // X1 is the only cross-day key reported today without a difference
    }

    @Test func nextDayOwnsWhatLandsOnItsBill() throws {
        let g = try Generator.day(seed: 9, lines: 100, day: "2026-11-24", channel: .wechat)
        // Reconcile 2026-11-25 from its own files, with the 24th as the previous day.
        let input = ReconciliationInput(
            day: "2026-11-25", merchant: g.merchant, channel: .wechat,
            huimin: g.huiminNeighbours, channelBill: try WeChatTradeBill.parse(g.channelBillNext).records,
            his: try HISSettlementFile.parse(g.hisFileNext).records,
            neighbours: NeighbourLines(huimin: g.huimin, channelBill: try WeChatTradeBill.parse(g.channelBill).records,
                                       his: try HISSettlementFile.parse(g.hisFile).records, includesNextDay: false))
        let r = Reconciler.reconcile(input)
        // X3 (paid 23:59:57 on the 24th, on the 25th's bill, never in the HIS) belongs to the 25th.
        #expect(r.differences.count == 1)
        #expect(r.differences.first?.kind == .hisMissing)
        #expect(g.expectedCrossDay.contains(r.differences.first?.tradeNo ?? ""))
        #expect(r.crossDayMatches.count == 3)  // X2, X3, X5
        #expect(r.pending.isEmpty)
    }

    @Test func previousDayLeavesTodaysKeysToToday() throws {
        let g = try Generator.day(seed: 10, lines: 100, day: "2026-11-24", channel: .wechat)
        let input = ReconciliationInput(
            day: "2026-11-23", merchant: g.merchant, channel: .wechat,
            huimin: g.huiminNeighbours, channelBill: try WeChatTradeBill.parse(g.channelBillPrevious).records,
            his: try HISSettlementFile.parse(g.hisFilePrevious).records,
            neighbours: NeighbourLines(huimin: g.huimin, channelBill: try WeChatTradeBill.parse(g.channelBill).records,
                                       his: try HISSettlementFile.parse(g.hisFile).records, includesPreviousDay: false))
        let r = Reconciler.reconcile(input)
        // X4's amount mismatch is on the 24th's bill: the 23rd does not report it; X6 is matched.
        #expect(r.differences.isEmpty, "\(r.differences.map(\.kind))")
        #expect(r.crossDayMatches.count == 3)  // X1, X4, X6
        for m in r.crossDayMatches {
            let x6 = m.channelDay == "2026-11-23" && m.hisDay == "2026-11-24"
            #expect(m.reportedOn == (x6 ? "2026-11-23" : "2026-11-24"))
        }
    }

    @Test func withoutNeighboursBoundaryLinesWait() throws {
        let g = try Generator.day(seed: 3, lines: 100, day: "2026-11-24", channel: .wechat)
        let r = Reconciler.reconcile(try Fixture.input(g, neighbours: false))
        let waiting = Set(r.pending.map { $0.refundNo ?? $0.tradeNo })
        // Every cross-day key of the generator has one side across the boundary, so without the
        // neighbouring days each waits instead of becoming a one-sided difference.
        #expect(waiting == Set(g.expectedCrossDay))
        #expect(Fixture.found(r) == g.expected.filter { !g.expectedCrossDay.contains($0.tradeNo) })
        #expect(r.pending.allSatisfy { $0.waitingFor == "2026-11-25" || $0.waitingFor == "2026-11-23" })
    }

    @Test func tradesTheHISRefusedAndHuiminRefundedAreNotMissingInTheHIS() throws {
        let g = try Generator.day(seed: 5, lines: 300, day: "2026-11-24", channel: .wechat)
        let missing = g.expected.filter { $0.kind == .hisMissing }
        #expect(!missing.isEmpty, "the generator injects HIS漏账")
        var input = try Fixture.input(g)
        input.hisRefusedTrades = Set(missing.map(\.tradeNo))
        let found = Fixture.found(Reconciler.reconcile(input))
        #expect(found == g.expected.filter { $0.kind != .hisMissing }.sorted(), "only the HIS-missing differences go")
    }

    @Test func otherMerchantsAndChannelsAreIgnored() throws {
        let g = try Generator.day(seed: 4, lines: 200, day: "2026-11-24", channel: .wechat)
        var input = try Fixture.input(g)
        input.merchant = "1900000999"
        let r = Reconciler.reconcile(input)
        // Nothing on the channel or Huimin side belongs to that merchant; the HIS has no merchant-less lines.
        #expect(r.differences.isEmpty)
        #expect(r.summary.channelBill.payments.count == 0)
    }
}

@Suite struct ExportTests {
    @Test func differencesExportAsCSVAndJSON() throws {
        let g = try Generator.day(seed: 21, lines: 100, day: "2026-11-24", channel: .wechat)
        let r = Reconciler.reconcile(try Fixture.input(g))
        let csv = String(decoding: r.differencesCSV(), as: UTF8.self)
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.count == r.differences.count + 1)
        #expect(rows[0].hasPrefix("\u{FEFF}id,day,"))
        #expect(rows.dropFirst().allSatisfy { $0.hasPrefix("dif_20261124_") })
        #expect(csv.contains(",长款,") && csv.contains(",amount_mismatch,"))
        let json = try JSONEncoder().encode(r)
        let back = try JSONDecoder().decode(ReconciliationResult.self, from: json)
        #expect(back == r)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"netFen\"") && text.contains("\"proposedAction\":\"repost_to_his\""))
    }
}
