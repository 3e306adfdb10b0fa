import Foundation
import HuiminCore
import Hummingbird

/// The sandbox centre's daily detail (对明细账): every settlement it made for a designated
/// institution on a clearing day (`setl_time` in that Beijing day), every reversal (6203 refunds
/// by their `trxTime`), as the 3202 answer Huimin fetches (`stmt_detail`) and as a file a cashier
/// downloads, with the differences a tester injected.
///
/// - `GET /sandbox/insurance/statements/{day}?hospital=H45010200001`: the day's detail file.
/// - `POST /sandbox/insurance/statement-differences {"kind": "drop"|"alter"|"extra"|"reverse",
///   "setl_id"?, "part"?: "fund"|"account"|"cash", "delta_fen"?, "hospital"?}`: from now on the
///   detail leaves a settlement out, changes one part of it by `delta_fen` (default 100), lists a
///   settlement no hospital asked for (fund 60.00, account 30.00, cash 10.00, now), or reverses a
///   settlement by the centre's own hand (撤销, now). Without `setl_id`, the latest settlement is
///   meant. Answers `{kind, setl_id}`; 404 when there is no such settlement, 400 for a bad body.
/// - `DELETE /sandbox/insurance/statement-differences`: the detail tells the truth again.
extension FakeInsurance {
    static let statementColumns = ["setl_id", "mdtrt_id", "psn_no", "medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay",
                                   "refd_setl_flag", "setl_time", "medins_setl_id", "pay_ord_id", "app_refd_sn"]

    /// One line of the detail; a reversal's amounts are negative, as the platform writes them.
    struct StatementRow {
        let settlementID, visitID, personNo, tradeNo, payOrderID, refundNo: String
        let fundFen, accountFen, cashFen: Int64
        let reversal: Bool
        let at: Date
    }

    struct StatementQueryIn: Decodable {
        let fixmedins_code: String?
        let stmt_begndate: String?
        let stmt_enddate: String?
    }

    struct StatementOut: Encodable {
        let stmt_begndate: String
        let stmt_enddate: String
        let fixmedins_setl_cnt: Int
        let medfee_sumamt: String
        let fund_pay_sumamt: String
        let acct_pay: String
        let psn_cash_pay: String
        let file_name: String
        let file_content: String
    }

    struct EditIn: Decodable {
        let kind: String?
        let setl_id: String?
        let part: String?
        let delta_fen: Int64?
        let hospital: String?
    }

    struct EditOut: Encodable {
        let kind: String
        let setl_id: String
    }

    // MARK: 3202

    func statement(_ data: StatementQueryIn?, _ hospital: String) -> Answer {
        guard let data, data.fixmedins_code == hospital, let day = data.stmt_begndate, BusinessCalendar.isDay(day),
              data.stmt_enddate == day else {
            return .refused(1001, "fixmedins_code 须与报文一致，stmt_begndate 与 stmt_enddate 须为同一清算日 yyyy-MM-dd")
        }
        let rows = statementRows(day: day, hospital: hospital)
        let sum = { (part: (StatementRow) -> Int64) in rows.reduce(Int64(0)) { $0 + ($1.reversal ? -part($1) : part($1)) } }
        return .success(StatementOut(
            stmt_begndate: day, stmt_enddate: day, fixmedins_setl_cnt: rows.count,
            medfee_sumamt: FakeAlipayPay.yuan(sum { $0.fundFen + $0.accountFen + $0.cashFen }),
            fund_pay_sumamt: FakeAlipayPay.yuan(sum { $0.fundFen }), acct_pay: FakeAlipayPay.yuan(sum { $0.accountFen }),
            psn_cash_pay: FakeAlipayPay.yuan(sum { $0.cashFen }), file_name: "\(hospital)_\(day.filter(\.isNumber))_stmt.txt",
            file_content: Data(statementFile(rows)).base64EncodedString()))
    }

    /// The day's lines, injected differences applied, in time order.
    func statementRows(day: String, hospital: String) -> [StatementRow] {
        let inDay = { (date: Date) in BusinessCalendar.day(of: date) == day }
        return ledger.withState { state in
            let edits = state.statementEdits
            var rows: [StatementRow] = []
            for order in state.orders.values where order.hospitalCode == hospital {
                guard let settlementID = order.settlementID, let settledAt = order.settledAt else { continue }
                let row = { (fund: Int64, account: Int64, cash: Int64, reversal: Bool, refundNo: String, at: Date) in
                    StatementRow(settlementID: settlementID, visitID: order.visitID, personNo: order.personNo, tradeNo: order.tradeNo,
                                 payOrderID: order.payOrderID, refundNo: refundNo, fundFen: fund, accountFen: account, cashFen: cash,
                                 reversal: reversal, at: at)
                }
                let mine = edits.filter { $0.settlementID == settlementID }
                if inDay(settledAt), !mine.contains(where: { $0.kind == .drop }) {
                    var parts = (fund: order.fundFen, account: order.accountFen, cash: order.cashFen)
                    for edit in mine where edit.kind == .alter {
                        switch edit.part {
                        case "fund": parts.fund += edit.deltaFen
                        case "account": parts.account += edit.deltaFen
                        default: parts.cash += edit.deltaFen
                        }
                    }
                    rows.append(row(parts.fund, parts.account, parts.cash, false, "", settledAt))
                }
                for refund in order.refunds where inDay(refund.at) {
                    rows.append(row(refund.fundFen, refund.accountFen, 0, true, refund.refundNo, refund.at))
                }
                for edit in mine where edit.kind == .reverse && inDay(edit.at) {
                    rows.append(row(order.fundFen, order.accountFen, order.cashFen, true, "", edit.at))
                }
            }
            for edit in edits where edit.kind == .extra && edit.hospitalCode == hospital && inDay(edit.at) {
                rows.append(StatementRow(settlementID: edit.settlementID, visitID: "", personNo: "", tradeNo: "", payOrderID: "",
                                         refundNo: "", fundFen: edit.fundFen, accountFen: edit.accountFen, cashFen: edit.cashFen,
                                         reversal: false, at: edit.at))
            }
            return rows.sorted { ($0.at, $0.settlementID, $0.reversal ? 1 : 0) < ($1.at, $1.settlementID, $1.reversal ? 1 : 0) }
        }
    }

    /// TAB-separated UTF-8 with a header line, `null` for empty values (表200's conventions).
    func statementFile(_ rows: [StatementRow]) -> [UInt8] {
        var text = Self.statementColumns.joined(separator: "\t") + "\n"
        for r in rows {
            let sign: Int64 = r.reversal ? -1 : 1
            let total = r.fundFen + r.accountFen + r.cashFen
            let cells = [r.settlementID, r.visitID, r.personNo, FakeAlipayPay.yuan(sign * total), FakeAlipayPay.yuan(sign * r.fundFen),
                         FakeAlipayPay.yuan(sign * r.accountFen), FakeAlipayPay.yuan(sign * r.cashFen), r.reversal ? "1" : "0",
                         FakeAlipay.beijingTime(r.at), r.tradeNo, r.payOrderID, r.refundNo]
            text += cells.map { $0.isEmpty ? "null" : $0 }.joined(separator: "\t") + "\n"
        }
        return Array(text.utf8)
    }

    // MARK: Control

    func registerStatementControl(on router: Router<BasicRequestContext>) {
        router.get("/sandbox/insurance/statements/:day") { request, context in
            let day = context.parameters.get("day") ?? ""
            guard BusinessCalendar.isDay(day) else { return SandboxHTTP.json(Problem(error: "day is YYYY-MM-DD"), status: .badRequest) }
            let hospital = request.uri.queryParameters.get("hospital") ?? centre.hospitals.keys.sorted().first ?? ""
            return SandboxHTTP.raw(statementFile(statementRows(day: day, hospital: hospital)),
                                   contentType: "text/tab-separated-values; charset=utf-8")
        }
        router.post("/sandbox/insurance/statement-differences") { request, _ in
            let input = SandboxHTTP.decode(EditIn.self, from: try await SandboxHTTP.body(request))
            guard let kindText = input?.kind, let kind = FakeInsuranceLedger.StatementEdit.Kind(rawValue: kindText),
                  ["fund", "account", "cash"].contains(input?.part ?? "fund") else {
                return SandboxHTTP.json(Problem(error: "expected {kind: drop|alter|extra|reverse, setl_id?, part?: fund|account|cash, delta_fen?}"),
                                        status: .badRequest)
            }
            return injectStatementEdit(kind, input!)
        }
        router.delete("/sandbox/insurance/statement-differences") { _, _ in
            ledger.withState { $0.statementEdits.removeAll() }
            return Response(status: .noContent)
        }
    }

    private func injectStatementEdit(_ kind: FakeInsuranceLedger.StatementEdit.Kind, _ input: EditIn) -> Response {
        let now = clock.now()
        return ledger.withState { state in
            if kind == .extra {
                let id = "SETL" + centre.areaCode + String(format: "%012d", state.next())
                let hospital = input.hospital ?? centre.hospitals.keys.sorted().first ?? ""
                state.statementEdits.append(.init(kind: .extra, settlementID: id, hospitalCode: hospital, fundFen: 6000,
                                                  accountFen: 3000, cashFen: 1000, at: now))
                return SandboxHTTP.json(EditOut(kind: kind.rawValue, setl_id: id))
            }
            let settled = state.orders.values.filter { $0.settlementID != nil }
            let target: FakeInsuranceLedger.Order?
            if let id = input.setl_id {
                target = settled.first { $0.settlementID == id }
            } else {
                target = settled.max { ($0.settledAt ?? .distantPast, $0.payOrderID) < ($1.settledAt ?? .distantPast, $1.payOrderID) }
            }
            guard let target, let id = target.settlementID else {
                return SandboxHTTP.json(Problem(error: "no such settlement"), status: .notFound)
            }
            state.statementEdits.append(.init(kind: kind, settlementID: id, part: input.part ?? "fund",
                                              deltaFen: input.delta_fen ?? 100, at: now))
            return SandboxHTTP.json(EditOut(kind: kind.rawValue, setl_id: id))
        }
    }
}
