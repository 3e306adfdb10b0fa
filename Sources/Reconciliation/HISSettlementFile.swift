import Foundation
import HuiminCore

/// The HIS settlement file Huimin defines (assets/reconciliation/README.md): CSV, UTF-8 (BOM
/// optional) or GBK/GB18030 (detected), `#` comment lines, a header naming the columns (any
/// order, lower case), one settled movement a line, amounts as whole fen, times in Beijing time,
/// and an optional trailer `TOTAL,<lines>,<payments_fen>,<refunds_fen>` that must add up.
///
///     his_serial,trade_no,refund_no,kind,amount_fen,settled_at,channel,merchant,business_type,business_ref,cashier
///     H0001,P20261124020304ABCDEFGH,,payment,2500,2026-11-24 10:02:05,wechat,1900000109,registration,REG-1,自助机01
public enum HISSettlementFile {
    static let file = "HIS settlement file"
    public static let columns = ["his_serial", "trade_no", "refund_no", "kind", "amount_fen", "settled_at", "channel",
                                 "merchant", "business_type", "business_ref", "cashier"]
    static let required = ["trade_no", "kind", "amount_fen", "settled_at", "channel"]

    public static func parse(_ bytes: [UInt8]) throws -> ParsedBill {
        try bytes.withUnsafeBufferPointer { try parse(buffer: $0) }
    }

    static func parse(buffer b: UnsafeBufferPointer<UInt8>) throws -> ParsedBill {
        let encoding = try TextEncoding.detect(b)
        var batch = RecordBatch(side: .his)
        batch.reserveCapacity(b.count / 110 + 16)
        var totals = BillTotals()
        var header: HeaderMap?
        var c = (serial: Int?.none, trade: 0, refund: Int?.none, kind: 0, amount: 0, time: 0, channel: 0,
                 merchant: Int?.none, ref: Int?.none)
        var cells: [Range<Int>] = []
        var trailer: (line: Int, values: [Int64])?
        var lastMerchantBytes: [UInt8] = []
        var lastMerchant: UInt16 = 0
        let channelNames = PaymentChannel.allCases.map { Array($0.rawValue.utf8) }
        let payment = Array("payment".utf8), refund = Array("refund".utf8), total = Array("TOTAL".utf8)

        try Bytes.forEachLine(b) { number, line in
            let t = Bytes.trim(b, line)
            if t.isEmpty || b[t.lowerBound] == Bytes.hash { return true }
            if trailer != nil { throw BillError.lineMalformed(number, "lines after the TOTAL line.") }
            if header == nil {
                let map = HeaderMap(HeaderMap.names(Bytes.text(b, line, encoding)).map { $0.lowercased() })
                let r = try map.require(file, required)
                c = (map["his_serial"], r[0], map["refund_no"], r[1], r[2], r[3], r[4], map["merchant"], map["business_ref"])
                header = map
                return true
            }
            Bytes.split(b, line, into: &cells)
            if let first = cells.first, Bytes.equals(b, Bytes.trim(b, first), total) {
                var values: [Int64] = []
                for cell in cells.dropFirst() {
                    guard let v = Bytes.integer(b, Bytes.trim(b, cell)) else {
                        throw BillError.amountInvalid(number, "TOTAL", Bytes.text(b, Bytes.trim(b, cell), encoding))
                    }
                    values.append(v)
                }
                guard values.count == 3 else {
                    throw BillError.lineMalformed(number, "TOTAL needs <lines>,<payments_fen>,<refunds_fen>.")
                }
                trailer = (number, values)
                return true
            }
            guard cells.count == header!.names.count else {
                throw BillError.lineMalformed(number, "expected \(header!.names.count) fields, found \(cells.count).")
            }
            @inline(__always) func cell(_ i: Int) -> Range<Int> { Bytes.trim(b, cells[i]) }
            let kindCell = cell(c.kind)
            let kind: UInt8
            if Bytes.equals(b, kindCell, payment) { kind = 0 }
            else if Bytes.equals(b, kindCell, refund) { kind = 1 }
            else { throw BillError.lineMalformed(number, "kind must be payment or refund.") }
            let channelCell = cell(c.channel)
            guard let channel = channelNames.firstIndex(where: { Bytes.equals(b, channelCell, $0) }) else {
                throw BillError.lineMalformed(number, "channel must be wechat, alipay, unionpay or insurance.")
            }
            let trade = cell(c.trade)
            let refundNo = c.refund.map(cell) ?? 0..<0
            let serial = c.serial.map(cell) ?? 0..<0
            let ref = c.ref.map(cell) ?? 0..<0
            guard !trade.isEmpty else { throw BillError.lineMalformed(number, "trade_no is empty.") }
            guard kind == 0 || !refundNo.isEmpty else { throw BillError.lineMalformed(number, "a refund needs refund_no.") }
            for r in [trade, refundNo, serial, ref] where r.count > RecordBatch.maxFieldBytes {
                throw BillError.lineMalformed(number, "a field is longer than \(RecordBatch.maxFieldBytes) bytes.")
            }
            let amountCell = cell(c.amount)
            guard let amount = Bytes.integer(b, amountCell), amount > 0 else {
                throw BillError.amountInvalid(number, "amount_fen", Bytes.text(b, amountCell, encoding))
            }
            guard let time = Bytes.beijingTime(b, cell(c.time)) else {
                throw BillError.lineMalformed(number, "settled_at is not a YYYY-MM-DD HH:MM:SS time.")
            }
            let merchantCell = c.merchant.map(cell) ?? 0..<0
            let merchantSlice = UnsafeBufferPointer(rebasing: b[merchantCell])
            if batch.count == 0 || !merchantSlice.elementsEqual(lastMerchantBytes) {
                lastMerchantBytes = Array(merchantSlice)
                lastMerchant = batch.internMerchant(merchantSlice)
            }
            batch.appendRaw(kind: kind, status: RecordStatus.success.code, channel: UInt8(channel), merchant: lastMerchant,
                            tradeNo: batch.store(UnsafeBufferPointer(rebasing: b[trade])),
                            refundNo: batch.store(UnsafeBufferPointer(rebasing: b[kind == 1 ? refundNo : 0..<0])),
                            sourceId: batch.store(UnsafeBufferPointer(rebasing: b[serial])),
                            businessRef: batch.store(UnsafeBufferPointer(rebasing: b[ref])),
                            amount: amount, fee: 0, time: time, day: DayNumber.of(epochSeconds: time), line: UInt32(number))
            totals.add(kind: kind, amount: amount, fee: 0)
            return true
        }
        guard header != nil else { throw BillError.headerMissing(file, required) }
        if let trailer {
            let stated = trailer.values
            let computed = [Int64(batch.count), totals.paymentFen, totals.refundFen]
            for (i, name) in ["lines", "payments_fen", "refunds_fen"].enumerated() where stated[i] != computed[i] {
                throw BillError.totalsMismatch("TOTAL \(name)", stated: String(stated[i]), computed: String(computed[i]))
            }
        }
        return ParsedBill(records: batch, encoding: encoding, totals: totals, merchant: nil)
    }

    /// Writes records in this format (UTF-8, with a TOTAL trailer).
    public static func write(_ records: RecordBatch) -> [UInt8] { BillWriters.his(records) }
}
