import Foundation
import HuiminCore

/// UnionPay 全渠道 merchant bill (fileTransfer.do, fileType 00): the downloaded zip holding
/// `INN<yyMMdd>88ZM_<merId>` (普通交易明细 of clearing date yyMMdd; `…ZME_…`, the 差错 file, is
/// ignored) or that bare file with its clearing day given. A clearing date covers 23:00 Beijing
/// of the day before to 23:00: a payment at 23:30 is in the next date's file, and its line's
/// `day` is still its own calendar day (the reconciler's cross-day pool pairs it).
///
/// Lines are fixed width, in bytes: 40 fields, each padded to its width and followed by one
/// space (`layout`), CRLF or LF. Read here: 交易代码, 系统跟踪号, 交易传输时间 (`MMddHHmmss`, the year
/// taken from the clearing date), 交易金额 (12 digits, fen), 查询流水号 (UnionPay's id → `sourceId`),
/// 商户订单号, 商户手续费 (`D` + 12 digits charged → positive `feeFen`, `C` returned → negative),
/// 交易类型 (`01` consume → payment; `04` 退货 and `31` 消费撤销 → refund), 原交易查询流水号,
/// 商户代码 and 商户自定义域. A refund's own orderId is its `refundNo`; its payment's trade number
/// is the 商户自定义域 (Huimin's client sends the payment's orderId as `reqReserved`), else the
/// payment with that 原交易查询流水号 in the same file, else the 原交易查询流水号 itself.
public enum UnionPayBill {
    static let file = "UnionPay ZM file"

    /// Field widths in bytes, in order (全渠道 商户对账文件 普通交易明细).
    public static let layout: [(name: String, width: Int)] = [
        ("交易代码", 3), ("代理机构标识码", 11), ("发送机构标识码", 11), ("系统跟踪号", 6), ("交易传输时间", 10),
        ("账号", 19), ("交易金额", 12), ("商户类别", 4), ("终端类型", 2), ("查询流水号", 21), ("支付方式(旧)", 2),
        ("商户订单号", 32), ("支付卡类型", 2), ("原始交易的系统跟踪号", 6), ("原始交易日期时间", 10), ("商户手续费", 13),
        ("结算金额", 13), ("支付方式", 4), ("集团商户代码", 15), ("交易类型", 2), ("交易子类", 2), ("业务类型", 6),
        ("账号类型", 2), ("账单类型", 4), ("账单号码", 32), ("交互方式", 1), ("原交易查询流水号", 21), ("商户代码", 15),
        ("分账入账方式", 1), ("二级商户代码", 15), ("二级商户简称", 32), ("二级商户分账入账金额", 13), ("清算净额", 13),
        ("终端号", 8), ("商户自定义域", 32), ("优惠金额", 13), ("发票金额", 13), ("分期付款附加手续费", 12),
        ("分期付款期数", 2), ("交易介质", 1),
    ]

    /// Start offset of each field.
    static let offsets: [Int] = {
        var at = 0
        return layout.map { field in defer { at += field.width + 1 }; return at }
    }()

    /// Bytes a line needs: every field and the spaces between (the last trailing space is optional).
    static let lineBytes = offsets.last! + layout.last!.width

    enum F {
        static let traceTime = 4, amount = 6, queryID = 9, orderID = 11, fee = 15, txnType = 19, origQueryID = 26,
                   merchant = 27, reserved = 34
    }

    /// Parses the zip or, with `clearingDay` (`YYYY-MM-DD`), the bare ZM file.
    public static func parse(_ bytes: [UInt8], clearingDay: String? = nil) throws -> ParsedBill {
        guard ZipArchive.isZip(bytes) else {
            guard let clearingDay, BusinessCalendar.isDay(clearingDay) else {
                throw BillError.archiveInvalid("A bare UnionPay ZM file needs its clearing day.")
            }
            return try parseZM(bytes, clearingDay: clearingDay, merchant: nil)
        }
        for entry in try ZipArchive.entries(bytes) {
            let name = entry.name.split(separator: "/").last.map(String.init) ?? entry.name
            guard let (day, merchant) = zmName(name) else { continue }
            return try parseZM(try ZipArchive.extract(entry, from: bytes), clearingDay: clearingDay ?? day,
                               merchant: merchant)
        }
        throw BillError.archiveInvalid("The zip has no INN…ZM_ file.")
    }

    /// `INN260923 88ZM_777290058110097` without the space -> ("2026-09-23", merId).
    static func zmName(_ name: String) -> (String, String)? {
        let u = Array(name.utf8)
        guard u.count > 15, name.hasPrefix("INN"), Array(u[9..<14]) == Array("88ZM_".utf8),
              let yy = BusinessCalendar.digits(u, 3..<5), let mm = BusinessCalendar.digits(u, 5..<7),
              let dd = BusinessCalendar.digits(u, 7..<9) else { return nil }
        let day = String(format: "20%02d-%02d-%02d", yy, mm, dd)
        guard BusinessCalendar.isDay(day) else { return nil }
        return (day, String(decoding: u[14...], as: UTF8.self))
    }

    /// Byte work only, no String per field: a busy merchant's day runs to a million lines.
    static func parseZM(_ bytes: [UInt8], clearingDay: String, merchant fileMerchant: String?) throws -> ParsedBill {
        try bytes.withUnsafeBufferPointer { b in
            var lines: [(number: Int, start: Int)] = []
            var number = 0, at = 0
            while at < b.count {
                var end = at
                while end < b.count && b[end] != 0x0A { end += 1 }
                number += 1
                var stop = end
                if stop > at && b[stop - 1] == 0x0D { stop -= 1 }
                if !(at..<stop).allSatisfy({ b[$0] == 0x20 }) {
                    guard stop - at >= lineBytes else {
                        throw BillError.lineMalformed(number, "expected at least \(lineBytes) bytes, found \(stop - at).")
                    }
                    lines.append((number, at))
                }
                at = end + 1
            }
            /// A field without its padding.
            func field(_ line: Int, _ i: Int) -> Range<Int> {
                var lo = line + offsets[i], hi = lo + layout[i].width
                while lo < hi && b[lo] == 0x20 { lo += 1 }
                while hi > lo && b[hi - 1] == 0x20 { hi -= 1 }
                return lo..<hi
            }
            func text(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: b[r]), as: UTF8.self) }
            func digits(_ r: Range<Int>) -> Int64? {
                var v: Int64 = 0
                for i in r {
                    guard (48...57).contains(b[i]) else { return nil }
                    v = v * 10 + Int64(b[i] - 48)
                }
                return v
            }
            // Only a refund without its 商户自定义域 needs this: the payment with its 原交易查询流水号.
            var paymentByQueryID: [String: String]?
            func payment(queryID: String) -> String? {
                if paymentByQueryID == nil {
                    var map: [String: String] = [:]
                    for (_, line) in lines where text(field(line, F.txnType)) == "01" {
                        map[text(field(line, F.queryID))] = text(field(line, F.orderID))
                    }
                    paymentByQueryID = map
                }
                return paymentByQueryID?[queryID]
            }
            var midnights: [Int: Int64] = [:]
            var batch = RecordBatch(side: .channel)
            batch.reserveCapacity(lines.count, textBytes: lines.count * 64)
            var totals = BillTotals()
            let fallbackMerchant = fileMerchant ?? ""
            for (number, line) in lines {
                let txnType = field(line, F.txnType)
                let kind: MovementKind
                switch (txnType.count == 2 ? b[txnType.lowerBound] : 0, txnType.count == 2 ? b[txnType.lowerBound + 1] : 0) {
                case (48, 49): kind = .payment                   // 01
                case (48, 52), (51, 49): kind = .refund          // 04, 31
                default: throw BillError.lineMalformed(number, "交易类型 \(text(txnType)) is neither 01, 04 nor 31.")
                }
                let amountField = field(line, F.amount)
                guard amountField.count == 12, let amount = digits(amountField) else {
                    throw BillError.amountInvalid(number, "交易金额", text(amountField))
                }
                let feeField = field(line, F.fee)
                guard feeField.count == 13, b[feeField.lowerBound] == 67 || b[feeField.lowerBound] == 68,
                      let feeMagnitude = digits(feeField.dropFirst()) else {
                    throw BillError.amountInvalid(number, "商户手续费", text(feeField))
                }
                let t = field(line, F.traceTime)
                guard t.count == 10, let stamp = digits(t) else {
                    throw BillError.lineMalformed(number, "交易传输时间 is not MMddHHmmss.")
                }
                let monthDay = Int(stamp / 1_000_000), h = Int(stamp / 10_000 % 100), m = Int(stamp / 100 % 100), sec = Int(stamp % 100)
                let midnight: Int64?
                if let known = midnights[monthDay] {
                    midnight = known
                } else {
                    midnight = Self.midnight(month: monthDay / 100, day: monthDay % 100, clearingDay: clearingDay)
                    midnights[monthDay] = midnight
                }
                guard let midnight, h < 24, m < 60, sec < 60 else {
                    throw BillError.lineMalformed(number, "交易传输时间 is not MMddHHmmss.")
                }
                let time = midnight + Int64(h * 3600 + m * 60 + sec)
                let orderID = field(line, F.orderID), queryID = field(line, F.queryID)
                guard !orderID.isEmpty else { throw BillError.lineMalformed(number, "商户订单号 is empty.") }
                var tradeNo: ByteRef, refundNo: ByteRef = 0
                if kind == .refund {
                    refundNo = batch.store(UnsafeBufferPointer(rebasing: b[orderID]))
                    let reserved = field(line, F.reserved)
                    if !reserved.isEmpty {
                        tradeNo = batch.store(UnsafeBufferPointer(rebasing: b[reserved]))
                    } else {
                        let original = text(field(line, F.origQueryID))
                        guard let named = payment(queryID: original) ?? (original.isEmpty ? nil : original) else {
                            throw BillError.lineMalformed(number, "a refund names no payment (原交易查询流水号 is empty).")
                        }
                        tradeNo = batch.store(named)
                    }
                } else {
                    tradeNo = batch.store(UnsafeBufferPointer(rebasing: b[orderID]))
                }
                let merchantField = field(line, F.merchant)
                let merchant = merchantField.isEmpty ? batch.internMerchant(fallbackMerchant)
                    : batch.internMerchant(UnsafeBufferPointer(rebasing: b[merchantField]))
                let fee = b[feeField.lowerBound] == 68 ? feeMagnitude : -feeMagnitude
                batch.appendRaw(kind: kind.code, status: RecordStatus.success.code, channel: PaymentChannel.unionpay.code,
                                merchant: merchant, tradeNo: tradeNo, refundNo: refundNo,
                                sourceId: batch.store(UnsafeBufferPointer(rebasing: b[queryID])), businessRef: 0,
                                amount: amount, fee: fee, time: time, day: DayNumber.of(epochSeconds: time), line: UInt32(number))
                totals.add(kind: kind.code, amount: amount, fee: fee)
            }
            return ParsedBill(records: batch, encoding: .utf8, totals: totals, merchant: fileMerchant, clearingDay: clearingDay)
        }
    }

    /// Midnight Beijing of `month`/`day` in the year that puts it within a few days of the clearing
    /// date (a 31 Dec 23:30 payment clears on 1 Jan).
    static func midnight(month: Int, day: Int, clearingDay: String) -> Int64? {
        guard let (year, _, _) = BusinessCalendar.parse(clearingDay) else { return nil }
        for y in [year, year - 1, year + 1] {
            let candidate = String(format: "%04d-%02d-%02d", y, month, day)
            guard let distance = BusinessCalendar.daysBetween(candidate, clearingDay), abs(distance) <= 7,
                  let midnight = BusinessCalendar.instant(day: candidate, minutes: 0) else { continue }
            return Int64(midnight.timeIntervalSince1970)
        }
        return nil
    }
}
