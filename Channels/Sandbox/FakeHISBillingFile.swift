import Foundation

/// The sandbox HIS's settlement export: the HIS settlement file of assets/reconciliation/README.md,
/// UTF-8, one settled movement a line in the order settled, and the TOTAL trailer.
enum HISSettlementExport {
    static let header = "his_serial,trade_no,refund_no,kind,amount_fen,settled_at,channel,merchant,business_type,"
        + "business_ref,cashier"

    static func csv(hospital: String, day: String, _ settlements: [HISBillingLedger.Settlement]) -> [UInt8] {
        // A bill the insurance paid in full moved no money through a channel: nothing to reconcile.
        let lines = settlements.filter { $0.amountFen > 0 }
        var text = "# 惠民 sandbox HIS \(hospital) settlement export \(day)\n" + header + "\n"
        var payments: Int64 = 0, refunds: Int64 = 0
        for s in lines {
            if s.isRefund { refunds += s.amountFen } else { payments += s.amountFen }
            let cells = [s.receiptNo, s.tradeNo, s.refundNo ?? "", s.isRefund ? "refund" : "payment", String(s.amountFen),
                         FakeAlipay.beijingTime(s.settledAt), s.channel, "", s.business.rawValue, s.businessRef, s.cashier]
            text += cells.map(quoted).joined(separator: ",") + "\n"
        }
        text += "TOTAL,\(lines.count),\(payments),\(refunds)\n"
        return Array(text.utf8)
    }

    /// A cell with a comma, a quote or a line break is double-quoted, its quotes doubled.
    static func quoted(_ cell: String) -> String {
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
