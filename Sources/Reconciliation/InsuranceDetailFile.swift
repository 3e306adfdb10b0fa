import Foundation
import HuiminCore

/// The insurance centre's daily detail (对明细账) of one designated institution's mobile-payment
/// settlements, as fetched through `InsuranceClient.statement` or uploaded by a cashier.
///
/// Shaped after the national platform's 3202 detail file (表200: TAB-separated UTF-8 text,
/// `null` for an empty value, a reversal written as a second line with negative amounts and
/// `refd_setl_flag` 1), whose fields are `setl_id, mdtrt_id, psn_no, medfee_sumamt,
/// fund_pay_sumamt, acct_pay, refd_setl_flag`. The platform's file has no header and no cash or
/// time column; the mobile-payment statement we read adds a header line naming the columns (so
/// their order may vary) and `psn_cash_pay`, `setl_time`, `medins_setl_id` (the institution's
/// own settlement ID: Huimin's trade number), `pay_ord_id` and `app_refd_sn` (6203's refund
/// number). Those additions are our assumption until a province's statement specification says
/// otherwise; amounts are yuan with at most two decimals, times Beijing `yyyy-MM-dd HH:mm:ss`.
/// `#` lines are comments.
public enum InsuranceDetailFile {
    static let file = "insurance detail file"
    public static let columns = ["setl_id", "mdtrt_id", "psn_no", "medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay",
                                 "refd_setl_flag", "setl_time", "medins_setl_id", "pay_ord_id", "app_refd_sn"]
    static let required = ["setl_id", "medfee_sumamt", "fund_pay_sumamt", "acct_pay", "refd_setl_flag", "setl_time"]

    /// The parsed lines, and their totals per part.
    public struct Parsed: Sendable {
        public var lines: [InsuranceLine]
        public var encoding: TextEncoding
        public var totals: InsurancePartTotals
    }

    public static func parse(_ bytes: [UInt8]) throws -> Parsed {
        let encoding = try bytes.withUnsafeBufferPointer { try TextEncoding.detect($0) }
        let text = bytes.withUnsafeBufferPointer { encoding.decode($0) } ?? String(decoding: bytes, as: UTF8.self)
        var header: HeaderMap?
        var lines: [InsuranceLine] = []
        var totals = InsurancePartTotals()
        var seen = Set<String>()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
            guard let map = header else {
                let map = HeaderMap(HeaderMap.names(String(line), separator: "\t").map { $0.lowercased() })
                _ = try map.require(file, required)
                header = map
                continue
            }
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map { cell -> String in
                let value = cell.trimmingCharacters(in: .whitespaces)
                return value == "null" ? "" : value
            }
            guard cells.count == map.names.count else {
                throw BillError.lineMalformed(number, "expected \(map.names.count) fields, found \(cells.count).")
            }
            let parsed = try self.line(cells, map, number: number)
            let key = "\(parsed.kind.rawValue)|\(parsed.settlementID)|\(parsed.refundNo)"
            guard seen.insert(key).inserted else {
                throw BillError.lineMalformed(number, "settlement \(parsed.settlementID) is listed twice.")
            }
            lines.append(parsed)
            totals.add(parsed)
        }
        guard header != nil else { throw BillError.headerMissing(file, required) }
        return Parsed(lines: lines, encoding: encoding, totals: totals)
    }

    private static func line(_ cells: [String], _ map: HeaderMap, number: Int) throws -> InsuranceLine {
        func cell(_ name: String) -> String { map[name].map { cells[$0] } ?? "" }
        func amount(_ name: String) throws -> Int64? {
            let text = cell(name)
            if text.isEmpty, map[name] == nil || name == "psn_cash_pay" { return nil }
            var copy = text
            guard let fen = copy.withUTF8({ Bytes.decimal($0, 0..<$0.count, decimals: 2) }) else {
                throw BillError.amountInvalid(number, name, text)
            }
            return fen
        }
        let settlementID = cell("setl_id")
        guard !settlementID.isEmpty else { throw BillError.lineMalformed(number, "setl_id is empty.") }
        for name in ["setl_id", "medins_setl_id", "pay_ord_id", "app_refd_sn"] where cell(name).utf8.count > RecordBatch.maxFieldBytes {
            throw BillError.lineMalformed(number, "\(name) is longer than \(RecordBatch.maxFieldBytes) bytes.")
        }
        let kind: MovementKind
        switch cell("refd_setl_flag") {
        case "0": kind = .payment
        case "1": kind = .refund
        default: throw BillError.lineMalformed(number, "refd_setl_flag must be 0 (settlement) or 1 (reversal).")
        }
        guard let total = try amount("medfee_sumamt"), let fund = try amount("fund_pay_sumamt"),
              let account = try amount("acct_pay") else {
            throw BillError.lineMalformed(number, "medfee_sumamt, fund_pay_sumamt and acct_pay are required.")
        }
        let cash = try amount("psn_cash_pay") ?? (total - fund - account)
        // A settlement is written with positive amounts, its reversal with negative ones.
        let sign: Int64 = kind == .payment ? 1 : -1
        let parts = [total, fund, account, cash].map { $0 * sign }
        guard parts.allSatisfy({ $0 >= 0 }), parts[0] > 0 else {
            throw BillError.amountInvalid(number, "medfee_sumamt", kind == .payment
                ? "a settlement's amounts are positive" : "a reversal's amounts are negative")
        }
        guard parts[1] + parts[2] + parts[3] == parts[0] else {
            throw BillError.lineMalformed(number, "fund_pay_sumamt + acct_pay + psn_cash_pay is not medfee_sumamt.")
        }
        var timeText = cell("setl_time")
        guard let time = timeText.withUTF8({ Bytes.beijingTime($0, 0..<$0.count) }) else {
            throw BillError.lineMalformed(number, "setl_time is not a yyyy-MM-dd HH:mm:ss time.")
        }
        return InsuranceLine(kind: kind, settlementID: settlementID, refundNo: kind == .refund ? cell("app_refd_sn") : "",
                             tradeNo: cell("medins_setl_id"), payOrderID: cell("pay_ord_id"), fundFen: parts[1], accountFen: parts[2],
                             cashFen: parts[3], time: time, line: number)
    }

    /// Writes lines in this format (UTF-8, every column, reversals negative).
    public static func write(_ lines: [InsuranceLine]) -> [UInt8] {
        var text = columns.joined(separator: "\t") + "\n"
        for l in lines {
            let sign: Int64 = l.kind == .payment ? 1 : -1
            let amounts = [l.totalFen, l.fundFen, l.accountFen, l.cashFen].map { Bytes.yuan($0 * sign) }
            let cells = [l.settlementID, "null", "null", amounts[0], amounts[1], amounts[2], amounts[3],
                         l.kind == .payment ? "0" : "1", DayNumber.beijingTime(l.time), l.tradeNo, l.payOrderID, l.refundNo]
            text += cells.map { $0.isEmpty ? "null" : $0 }.joined(separator: "\t") + "\n"
        }
        return Array(text.utf8)
    }
}
