import Foundation
import HuiminCore

extension BillWriters {
    /// UnionPay's ZM file (`UnionPayBill.layout`, fixed width, CRLF) of the lines of one clearing
    /// date: payments as 消费 (交易类型 01, 交易代码 S22), refunds as 退货 (04, S30) with their own
    /// number as 商户订单号, their payment's trade number in 商户自定义域 and its channel id (the
    /// payment line's `sourceId`, when the batch holds it) as 原交易查询流水号. 商户手续费 is the
    /// 0.6% fee in whole fen, `D` charged on payments and `C` returned on refunds.
    public static func unionPayZM(_ b: RecordBatch) -> [UInt8] {
        let payment = MovementKind.payment.code
        // 原交易查询流水号 of each refunded payment held in the batch.
        var refunded = Set<String>()
        for i in 0..<b.count where b.kinds[i] != payment { refunded.insert(b.string(b.tradeNos[i])) }
        var paymentIDs: [String: [UInt8]] = [:]
        if !refunded.isEmpty {
            for i in 0..<b.count where b.kinds[i] == payment {
                let trade = b.string(b.tradeNos[i])
                if refunded.contains(trade) { paymentIDs[trade] = b.bytes(b.sourceIds[i]) }
            }
        }
        // Each line starts as spaces, every field padded and followed by one, then takes its values.
        let blank = [UInt8](repeating: 0x20, count: UnionPayBill.lineBytes + 1)
        let offsets = UnionPayBill.offsets
        var out = ByteWriter(capacity: b.count * (blank.count + 2))
        for i in (0..<b.count).sorted(by: { b.times[$0] < b.times[$1] }) {
            var line = blank
            func put(_ field: Int, _ text: some Sequence<UInt8>) {
                var at = offsets[field]
                for c in text { line[at] = c; at += 1 }
            }
            func number(_ field: Int, _ value: Int64, width: Int, sign: UInt8? = nil) {
                var at = offsets[field] + width - 1, v = value.magnitude
                let first = offsets[field] + (sign == nil ? 0 : 1)
                while at >= first { line[at] = UInt8(48 + v % 10); v /= 10; at -= 1 }
                if let sign { line[offsets[field]] = sign }
            }
            let refund = b.kinds[i] != payment
            let amount = b.amounts[i]
            let fee = (feeMilli(amount) + 500) / 1000
            let local = b.times[i] + DayNumber.offset
            let dayN = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
            let (_, month, day) = BusinessCalendar.civil(fromDays: dayN)
            let sec = local - dayN * 86_400
            number(UnionPayBill.F.traceTime, Int64(month) * 100_000_000 + Int64(day) * 1_000_000
                   + sec / 3600 * 10_000 + sec % 3600 / 60 * 100 + sec % 60, width: 10)
            put(0, (refund ? "S30" : "S22").utf8); put(1, "48020000".utf8); put(2, "48020000".utf8)
            number(3, Int64(b.lines[i] % 1_000_000), width: 6)
            put(5, "6216****0018".utf8); number(UnionPayBill.F.amount, amount, width: 12); put(7, "8062".utf8); put(8, "08".utf8)
            put(UnionPayBill.F.queryID, b.bytes(b.sourceIds[i]))
            put(UnionPayBill.F.orderID, b.bytes(refund ? b.refundNos[i] : b.tradeNos[i])); put(12, "01".utf8)
            number(UnionPayBill.F.fee, fee, width: 13, sign: refund ? 67 : 68)          // C returned, D charged
            number(16, amount - fee, width: 13, sign: refund ? 68 : 67)
            put(UnionPayBill.F.txnType, (refund ? "04" : "01").utf8); put(20, (refund ? "00" : "01").utf8); put(21, "000201".utf8)
            if refund { put(UnionPayBill.F.origQueryID, paymentIDs[b.string(b.tradeNos[i])] ?? []) }
            put(UnionPayBill.F.merchant, b.merchantNames[Int(b.merchants[i])].utf8)
            number(32, amount - fee, width: 13, sign: refund ? 68 : 67)
            if refund { put(UnionPayBill.F.reserved, b.bytes(b.tradeNos[i])) }
            out.raw(line); out.byte(0x0D); out.byte(0x0A)
        }
        return out.bytes
    }

    /// The zip fileTransfer.do delivers for `merID` and `clearingDay` (YYYY-MM-DD):
    /// `INN<yyMMdd>88ZM_<merId>` and an empty `INN<yyMMdd>88ZME_<merId>`.
    public static func unionPayZip(_ b: RecordBatch, merID: String, clearingDay: String, level: Int32 = 6) -> [UInt8] {
        let stamp = String(clearingDay.filter(\.isNumber).dropFirst(2))
        return ZipArchive.create([
            (Array("INN\(stamp)88ZM_\(merID)".utf8), true, unionPayZM(b)),
            (Array("INN\(stamp)88ZME_\(merID)".utf8), true, []),
        ], level: level)
    }
}
