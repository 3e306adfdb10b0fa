import Foundation
import HuiminCore

extension BillWriters {
    /// UnionPay's ZM file (`UnionPayBill.layout`, fixed width, CRLF) of the lines of one clearing
    /// date: payments as 消费 (交易类型 01, 交易代码 S22), refunds as 退货 (04, S30) with their own
    /// number as 商户订单号, their payment's trade number in 商户自定义域 and its channel id (the
    /// payment line's `sourceId`, when the batch holds it) as 原交易查询流水号. 商户手续费 is the
    /// 0.6% fee in whole fen, `D` charged on payments and `C` returned on refunds.
    public static func unionPayZM(_ b: RecordBatch) -> [UInt8] {
        let records = b.records
        var paymentIDs: [String: String] = [:]
        for r in records where r.kind == .payment { paymentIDs[r.tradeNo] = r.sourceId }
        func amount12(_ fen: Int64) -> String { String(format: "%012lld", fen) }
        var out = ""
        for r in records.sorted(by: { $0.time < $1.time }) {
            let refund = r.kind == .refund
            let fee = (feeMilli(r.amountFen) + 500) / 1000
            let time = Date(timeIntervalSince1970: TimeInterval(r.time))
            let c = BusinessCalendar.calendar.dateComponents([.month, .day, .hour, .minute, .second], from: time)
            let traceTime = String(format: "%02d%02d%02d%02d%02d", c.month!, c.day!, c.hour!, c.minute!, c.second!)
            let net = (refund ? "D" : "C") + amount12(r.amountFen - fee)
            var values = [String](repeating: "", count: UnionPayBill.layout.count)
            values[0] = refund ? "S30" : "S22"; values[1] = "48020000"; values[2] = "48020000"
            values[3] = String(format: "%06d", r.line % 1_000_000); values[UnionPayBill.F.traceTime] = traceTime
            values[5] = "6216****0018"; values[UnionPayBill.F.amount] = amount12(r.amountFen); values[7] = "8062"
            values[8] = "08"; values[UnionPayBill.F.queryID] = r.sourceId
            values[UnionPayBill.F.orderID] = refund ? r.refundNo : r.tradeNo; values[12] = "01"
            values[UnionPayBill.F.fee] = (refund ? "C" : "D") + amount12(fee); values[16] = net
            values[UnionPayBill.F.txnType] = refund ? "04" : "01"; values[20] = refund ? "00" : "01"; values[21] = "000201"
            values[UnionPayBill.F.origQueryID] = refund ? paymentIDs[r.tradeNo] ?? "" : ""
            values[UnionPayBill.F.merchant] = r.merchant; values[32] = net
            values[UnionPayBill.F.reserved] = refund ? r.tradeNo : ""
            for ((_, width), value) in zip(UnionPayBill.layout, values) {
                out += value.padding(toLength: width, withPad: " ", startingAt: 0) + " "
            }
            out += "\r\n"
        }
        return Array(out.utf8)
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
