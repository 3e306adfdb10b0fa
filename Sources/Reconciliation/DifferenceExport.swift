import Foundation

extension ReconciliationResult {
    /// The differences as CSV (UTF-8 with a BOM so Excel shows the Chinese), one a line, in the
    /// result's order. Amounts in yuan; empty where a side has no line.
    public func differencesCSV() -> [UInt8] {
        var out = "\u{FEFF}id,day,merchant,channel,kind,类型,movement,trade_no,refund_no,huimin_yuan,channel_yuan,his_yuan,"
            + "delta_yuan,proposed_action,channel_trade_id,his_serial,business_ref,detail\r\n"
        func yuan(_ fen: Int64?) -> String { fen.map { Bytes.yuan($0) } ?? "" }
        func cell(_ s: String?) -> String {
            guard let s else { return "" }
            // Neutralise spreadsheet formulas and quote when needed.
            var v = s
            if let first = v.first, "=+-@".contains(first) { v = "'" + v }
            return v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : v
        }
        for d in differences {
            let fields: [String] = [
                d.id, d.day, cell(d.merchant), d.channel.rawValue, d.kind.rawValue, d.kind.chineseName, d.movement.rawValue,
                cell(d.tradeNo), cell(d.refundNo), yuan(d.amounts.huiminFen), yuan(d.amounts.channelFen),
                yuan(d.amounts.hisFen), yuan(d.deltaFen), d.proposedAction.rawValue, cell(d.channelTradeId),
                cell(d.hisSerial), cell(d.businessRef), cell(d.detail),
            ]
            out += fields.joined(separator: ",") + "\r\n"
        }
        return Array(out.utf8)
    }
}
