import Foundation
import HuiminCore
import Testing
@testable import Reconciliation

@Suite struct UnionPayBillTests {
    static let merID = "777290058110097"

    static func at(_ day: String, _ hh: Int, _ mm: Int, _ ss: Int = 0) -> Int64 {
        Int64(BusinessCalendar.instant(day: day, minutes: hh * 60 + mm)!.timeIntervalSince1970) + Int64(ss)
    }

    /// A payment cleared on 09-22 before the cut-off, one paid 09-21 23:30 (cleared 09-22), and a
    /// partial refund of the first.
    static func batch() throws -> RecordBatch {
        var b = RecordBatch(side: .channel)
        try b.append(ReconciliationRecord(kind: .payment, tradeNo: "P20260922080000ABCDEFGH", sourceId: "202609220800001234567",
                                          amountFen: 2500, feeFen: 15, time: at("2026-09-22", 8, 0), merchant: merID,
                                          channel: .unionpay))
        try b.append(ReconciliationRecord(kind: .payment, tradeNo: "P20260921233000ABCDEFGH", sourceId: "202609212330001234567",
                                          amountFen: 1800, feeFen: 11, time: at("2026-09-21", 23, 30, 5), merchant: merID,
                                          channel: .unionpay))
        try b.append(ReconciliationRecord(kind: .refund, tradeNo: "P20260922080000ABCDEFGH", refundNo: "R20260922090000ABCDEFGH",
                                          sourceId: "202609220900007654321", amountFen: 1000, feeFen: -6,
                                          time: at("2026-09-22", 9, 0), merchant: merID, channel: .unionpay))
        return b
    }

    /// Replaces field `i` of a ZM line.
    static func set(_ line: String, _ i: Int, _ value: String) -> String {
        var bytes = Array(line.utf8)
        let start = UnionPayBill.offsets[i], width = UnionPayBill.layout[i].width
        bytes.replaceSubrange(start..<start + width, with: Array(value.padding(toLength: width, withPad: " ", startingAt: 0).utf8))
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func zipRoundTripsWithClearingDayFeesAndRefunds() throws {
        let parsed = try UnionPayBill.parse(BillWriters.unionPayZip(try Self.batch(), merID: Self.merID, clearingDay: "2026-09-22"))
        #expect(parsed.clearingDay == "2026-09-22")
        #expect(parsed.merchant == Self.merID)
        let byKey = Dictionary(parsed.records.records.map { ($0.refundNo.isEmpty ? $0.tradeNo : $0.refundNo, $0) },
                               uniquingKeysWith: { a, _ in a })
        let late = try #require(byKey["P20260921233000ABCDEFGH"])
        #expect(late.day == "2026-09-21")
        #expect(late.time == Self.at("2026-09-21", 23, 30, 5))
        #expect(late.feeFen == 11)
        let refund = try #require(byKey["R20260922090000ABCDEFGH"])
        #expect(refund.kind == .refund)
        #expect(refund.tradeNo == "P20260922080000ABCDEFGH")
        #expect(refund.amountFen == 1000)
        #expect(refund.feeFen == -6)
        #expect(refund.sourceId == "202609220900007654321")
        #expect(refund.channel == .unionpay)
        #expect(parsed.totals.paymentCount == 2)
        #expect(parsed.totals.paymentFen == 4300)
        #expect(parsed.totals.refundFen == 1000)
        #expect(parsed.totals.feeFen == 15 + 11 - 6)
        #expect(Array(parsed.records.records.map(\.line)) == [1, 2, 3])
    }

    @Test func lineLayoutIsFixedWidth() throws {
        let lines = Fixture.lines(BillWriters.unionPayZM(try Self.batch())).filter { !$0.isEmpty }
        #expect(lines.count == 3)
        for line in lines {
            #expect(line.utf8.count == UnionPayBill.lineBytes + 1)
        }
        #expect(UnionPayBill.lineBytes == UnionPayBill.layout.map(\.width).reduce(0, +) + UnionPayBill.layout.count - 1)
        #expect(lines[0].hasPrefix("S22 48020000    48020000    "))
    }

    @Test func bareFileNeedsItsClearingDayAndTheYearFollowsIt() throws {
        var b = RecordBatch(side: .channel)
        try b.append(ReconciliationRecord(kind: .payment, tradeNo: "P20261231233000ABCDEFGH", sourceId: "202612312330001234567",
                                          amountFen: 100, feeFen: 1, time: Self.at("2026-12-31", 23, 30),
                                          merchant: Self.merID, channel: .unionpay))
        let zm = BillWriters.unionPayZM(b)
        #expect(Fixture.code { _ = try UnionPayBill.parse(zm) } == "bill_archive_invalid")
        let parsed = try UnionPayBill.parse(zm, clearingDay: "2027-01-01")
        #expect(parsed.records[0].time == Self.at("2026-12-31", 23, 30))
        #expect(parsed.records[0].day == "2026-12-31")
    }

    @Test func refundWithoutReservedFieldNamesItsPaymentFromTheFileOrItsQueryID() throws {
        let lines = Fixture.lines(BillWriters.unionPayZM(try Self.batch())).filter { !$0.isEmpty }
        let refundLine = try #require(lines.first { $0.hasPrefix("S30") })
        let bare = Self.set(refundLine, UnionPayBill.F.reserved, "")
        let withPayment = ([lines[0], lines[1], bare].joined(separator: "\r\n") + "\r\n")
        let resolved = try UnionPayBill.parse(Array(withPayment.utf8), clearingDay: "2026-09-22")
        #expect(resolved.records.records.first { $0.kind == .refund }?.tradeNo == "P20260922080000ABCDEFGH")
        let alone = try UnionPayBill.parse(Array((bare + "\n").utf8), clearingDay: "2026-09-22")
        #expect(alone.records[0].tradeNo == "202609220800001234567")
        #expect(alone.records[0].refundNo == "R20260922090000ABCDEFGH")
    }

    @Test func malformedLinesAreRefusedWithTheirNumber() throws {
        let line = try #require(Fixture.lines(BillWriters.unionPayZM(try Self.batch())).first)
        func code(_ text: String) -> String? {
            Fixture.code { _ = try UnionPayBill.parse(Array(text.utf8), clearingDay: "2026-09-22") }
        }
        #expect(code(String(line.prefix(200))) == "bill_line_malformed")
        #expect(code(Self.set(line, UnionPayBill.F.txnType, "02")) == "bill_line_malformed")
        #expect(code(Self.set(line, UnionPayBill.F.fee, "X000000000015")) == "bill_amount_invalid")
        #expect(code(Self.set(line, UnionPayBill.F.amount, "00000000002A")) == "bill_amount_invalid")
        #expect(code(Self.set(line, UnionPayBill.F.traceTime, "0922250000")) == "bill_line_malformed")
        #expect(code(Self.set(line, UnionPayBill.F.orderID, "")) == "bill_line_malformed")
        #expect(Fixture.message { _ = try UnionPayBill.parse(Array(("\r\n" + String(line.prefix(9))).utf8),
                                                               clearingDay: "2026-09-22") }.contains("2"))
        let noZM = ZipArchive.create([(Array("INN26092288ZME_777290058110097".utf8), true, [])])
        #expect(Fixture.code { _ = try UnionPayBill.parse(noZM) } == "bill_archive_invalid")
    }
}
