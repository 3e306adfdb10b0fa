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

    static func parseZM(_ bytes: [UInt8], clearingDay: String, merchant fileMerchant: String?) throws -> ParsedBill {
        var lines: [(number: Int, bytes: ArraySlice<UInt8>)] = []
        var number = 0
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            var line = raw
            if line.last == 0x0D { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 }) { continue }
            guard line.count >= lineBytes else {
                throw BillError.lineMalformed(number, "expected at least \(lineBytes) bytes, found \(line.count).")
            }
            lines.append((number, line))
        }
        func field(_ line: ArraySlice<UInt8>, _ i: Int) -> String {
            let start = line.startIndex + offsets[i]
            let slice = line[start..<start + layout[i].width]
            return String(decoding: slice, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        // Payments first, so a refund can name its payment when the 商户自定义域 is empty.
        var paymentByQueryID: [String: String] = [:]
        for (_, line) in lines where field(line, F.txnType) == "01" {
            paymentByQueryID[field(line, F.queryID)] = field(line, F.orderID)
        }
        var batch = RecordBatch(side: .channel)
        var totals = BillTotals()
        for (number, line) in lines {
            let txnType = field(line, F.txnType)
            let kind: MovementKind
            switch txnType {
            case "01": kind = .payment
            case "04", "31": kind = .refund
            default: throw BillError.lineMalformed(number, "交易类型 \(txnType) is neither 01, 04 nor 31.")
            }
            let amountText = field(line, F.amount)
            guard amountText.count == 12, let amount = Int64(amountText), amountText.allSatisfy(\.isNumber) else {
                throw BillError.amountInvalid(number, "交易金额", amountText)
            }
            let feeText = field(line, F.fee)
            guard feeText.count == 13, let sign = feeText.first, sign == "C" || sign == "D",
                  let feeMagnitude = Int64(feeText.dropFirst()), feeText.dropFirst().allSatisfy(\.isNumber) else {
                throw BillError.amountInvalid(number, "商户手续费", feeText)
            }
            guard let time = instant(field(line, F.traceTime), clearingDay: clearingDay) else {
                throw BillError.lineMalformed(number, "交易传输时间 is not MMddHHmmss.")
            }
            let orderID = field(line, F.orderID), queryID = field(line, F.queryID)
            guard !orderID.isEmpty else { throw BillError.lineMalformed(number, "商户订单号 is empty.") }
            var tradeNo = orderID, refundNo = ""
            if kind == .refund {
                refundNo = orderID
                let origQueryID = field(line, F.origQueryID)
                let reserved = field(line, F.reserved)
                tradeNo = !reserved.isEmpty ? reserved : paymentByQueryID[origQueryID] ?? origQueryID
                guard !tradeNo.isEmpty else {
                    throw BillError.lineMalformed(number, "a refund names no payment (原交易查询流水号 is empty).")
                }
            }
            let merchant = field(line, F.merchant)
            let fee = sign == "D" ? feeMagnitude : -feeMagnitude
            try batch.append(ReconciliationRecord(
                kind: kind, tradeNo: tradeNo, refundNo: refundNo, sourceId: queryID, amountFen: amount, feeFen: fee,
                time: time, merchant: merchant.isEmpty ? fileMerchant ?? "" : merchant, channel: .unionpay, line: number))
            totals.add(kind: kind.code, amount: amount, fee: fee)
        }
        return ParsedBill(records: batch, encoding: .utf8, totals: totals, merchant: fileMerchant, clearingDay: clearingDay)
    }

    /// `MMddHHmmss` Beijing, in the year that puts it within a few days of the clearing date
    /// (a 31 Dec 23:30 payment clears on 1 Jan).
    static func instant(_ text: String, clearingDay: String) -> Int64? {
        let u = Array(text.utf8)
        guard u.count == 10, let (year, _, _) = BusinessCalendar.parse(clearingDay),
              let month = BusinessCalendar.digits(u, 0..<2), let day = BusinessCalendar.digits(u, 2..<4),
              let h = BusinessCalendar.digits(u, 4..<6), let m = BusinessCalendar.digits(u, 6..<8),
              let s = BusinessCalendar.digits(u, 8..<10), h < 24, m < 60, s < 60 else { return nil }
        for y in [year, year - 1, year + 1] {
            let candidate = String(format: "%04d-%02d-%02d", y, month, day)
            guard let distance = BusinessCalendar.daysBetween(candidate, clearingDay), abs(distance) <= 7,
                  let midnight = BusinessCalendar.instant(day: candidate, minutes: 0) else { continue }
            return Int64(midnight.timeIntervalSince1970) + Int64(h * 3600 + m * 60 + s)
        }
        return nil
    }
}
