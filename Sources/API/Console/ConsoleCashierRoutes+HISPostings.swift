import HuiminCore
import Hummingbird
import Payments

/// The cashier's work list of what the HIS has not booked: payments and refunds still being
/// posted (with the HIS's last answer and the next try), refused (money went back, or a refund
/// the HIS will not take, to settle at the window) and, for checking, those posted.
extension ConsoleCashierRoutes {
    static let postingStates: [(state: String, label: String)] = [
        ("pending", "待入账 Pending"), ("refused", "被拒 Refused"), ("posted", "已入账 Posted"),
    ]
    static let businessNames = ["registration": "挂号 Registration", "clinic_bill": "门诊缴费 Clinic bill",
                                "deposit": "住院预缴 Deposit", "scan_to_pay": "扫码付 Scan-to-pay"]

    func hisPostings(_ request: Request, _ signed: ConsoleAuth.SignedIn) async throws -> Response {
        let state = request.uri.queryParameters.get("state") ?? "pending"
        let postings = try await services.payments.hisPostings(state: state, hospitalCode: nil)
        return pages.render("his-postings", title: "HIS入账 HIS postings", context: [
            "states": Self.postingStates.map { ["state": $0.state, "label": $0.label, "current": $0.state == state] },
            "hasPostings": !postings.isEmpty,
            "postings": postings.map { p in [
                "kind": p.kind, "kindName": p.kind == "refund" ? "退费 Refund" : "收费 Payment",
                "business": Self.businessNames[p.businessType] ?? p.businessType, "hospital": p.hospitalCode,
                "tradeNo": p.tradeNo, "refundNo": p.refundNo ?? "", "channel": TakingsChart.names[p.channel] ?? p.channel,
                "amount": Yuan.text(p.refundFen ?? p.paidFen), "state": p.state, "attempts": p.attempts,
                "lastError": p.lastError ?? "", "next": p.nextAttemptAt ?? "", "receipt": p.receiptNo ?? "",
            ] as [String: Any] },
        ], signed: signed)
    }
}
