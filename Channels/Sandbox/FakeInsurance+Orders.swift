import Foundation
import HuiminCore

/// The five transactions, validated as a centre does; amounts travel as yuan strings in requests,
/// and the settlement record (`setlinfo` / `preSetl`) answers them as JSON numbers, as the
/// platform's 数值型 fields are.
extension FakeInsurance {
    struct DetailIn: Decodable {
        let medChrgitmType: String?
        let detItemFeeSumamt: String?
    }

    struct FeeUploadIn: Decodable {
        let orgCodg: String?
        let medOrgOrd: String?
        let chrgBchno: String?
        let idNo: String?
        let idType: String?
        let payAuthNo: String?
        let medfeeSumamt: String?
        let feedetailList: [DetailIn]?
    }

    struct PayOrderIn: Decodable {
        let payAuthNo: String?
        let payOrdId: String?
        let payToken: String?
        let orgCodg: String?
        let acctUsedFlag: String?
    }

    struct OrderRefIn: Decodable {
        let payOrdId: String?
    }

    struct RefundIn: Decodable {
        let payOrdId: String?
        let appRefdSn: String?
        let appRefdTime: String?
        let totlRefdAmt: String?
        let psnAcctRefdAmt: String?
        let fundRefdAmt: String?
        let cashRefdAmt: String?
        let refdType: String?
    }

    struct UploadedOut: Encodable {
        let payOrdId: String
        let payToken: String
    }

    struct SettlementOut: Encodable {
        let setl_id: String?
        let mdtrt_id: String
        let psn_no: String
        let insutype = "310"
        let medfee_sumamt: Decimal
        let fund_pay_sumamt: Decimal
        let hifp_pay: Decimal
        let acct_pay: Decimal
        let psn_cash_pay: Decimal
        let setl_time: String?
    }

    struct ExtOut: Encodable {
        let preSetl: SettlementOut?
        let setlinfo: SettlementOut?
    }

    struct OrderOut: Encodable {
        let payOrdId: String
        let ordStas: String
        let medOrgOrd: String
        let feeSumamt: String?
        let fundPay: String?
        let psnAcctPay: String?
        let ownPayAmt: String?
        let setlType: String?
        let extData: ExtOut?
    }

    struct RevokedOut: Encodable {
        let success = true
        let message = "撤销成功"
    }

    struct RefundedOut: Encodable {
        let appRefdSn: String
        let refStatus = "SUCC"
        let trxTime: String
        let psnAcctRefdAmt: String
        let fundRefdAmt: String
    }

    // MARK: 6201 费用明细上传

    func upload(_ data: FeeUploadIn?, _ hospital: String) -> Answer {
        let now = clock.now()
        guard let data, data.orgCodg == hospital, let tradeNo = data.medOrgOrd, (1...64).contains(tradeNo.count),
              let billNo = data.chrgBchno, !billNo.isEmpty else {
            return .refused(1001, "orgCodg、medOrgOrd、chrgBchno 不能为空且须与报文一致")
        }
        guard data.idType == "01", let idNumber = Self.validIDNumber(data.idNo) else {
            return .refused(1001, "idType 须为 01 且 idNo 须为合法的居民身份证号")
        }
        guard let total = data.medfeeSumamt.flatMap(FakeAlipayPay.fen), total > 0,
              let details = data.feedetailList, !details.isEmpty else {
            return .refused(1001, "medfeeSumamt 与 feedetailList 不能为空")
        }
        var lines: [FakeInsuranceLedger.Line] = []
        for detail in details {
            guard let category = detail.medChrgitmType, category.count == 2, let code = Int(category), (1...14).contains(code),
                  let amount = detail.detItemFeeSumamt.flatMap(FakeAlipayPay.fen), amount > 0 else {
                return .refused(1001, "费用明细的 medChrgitmType 或 detItemFeeSumamt 不合法")
            }
            lines.append(.init(category: category, amountFen: amount))
        }
        guard lines.reduce(0, { $0 + $1.amountFen }) == total else { return .refused(3003, "明细金额之和与 medfeeSumamt 不符") }
        return ledger.withState { state in
            if let refusal = authRefusal(data.payAuthNo, idNumber: idNumber, state: state, now: now) { return refusal }
            let person = ledger.person(idNumber, in: &state)
            guard person.insured else { return .refused(2002, "人员未参保或参保状态异常") }
            if let existing = state.orders.values.first(where: { $0.tradeNo == tradeNo && $0.hospitalCode == hospital }) {
                guard existing.status <= 1, existing.totalFen == total, existing.idNumber == idNumber else {
                    return .refused(3002, "该机构订单号已上传且状态或金额不同")
                }
                return .success(UploadedOut(payOrdId: existing.payOrderID, payToken: existing.payToken))
            }
            let sequence = state.next()
            let day = BusinessCalendar.day(of: now).filter(\.isNumber)
            let order = FakeInsuranceLedger.Order(
                payOrderID: "ORD" + centre.areaCode + day + String(format: "%010d", sequence),
                payToken: SandboxHTTP.randomString(32, alphabet: SandboxHTTP.alphanumerics), hospitalCode: hospital,
                tradeNo: tradeNo, billNo: billNo, idNumber: idNumber, personNo: person.personNo,
                payAuthNo: data.payAuthNo ?? "", visitID: "MDT" + centre.areaCode + day + String(format: "%010d", sequence),
                lines: lines, totalFen: total, createdAt: now, status: 0)
            state.orders[order.payOrderID] = order
            return .success(UploadedOut(payOrdId: order.payOrderID, payToken: order.payToken))
        }
    }

    /// 2001 when the code is unknown or past its TTL, 2003 when it was issued to someone else.
    private func authRefusal(_ code: String?, idNumber: String, state: FakeInsuranceLedger.State, now: Date) -> Answer? {
        guard let code, let auth = state.authCodes[code], now.timeIntervalSince(auth.issuedAt) <= centre.authCodeTTL else {
            return .refused(2001, "医保移动支付授权码无效或已过期")
        }
        return auth.idNumber == idNumber ? nil : .refused(2003, "授权人与就诊人不符")
    }

    // MARK: 6202 支付下单

    func payOrder(_ data: PayOrderIn?, _ hospital: String) -> Answer {
        let now = clock.now()
        guard let data, data.orgCodg == hospital, let payOrderID = data.payOrdId, let token = data.payToken else {
            return .refused(1001, "payOrdId、payToken、orgCodg 不能为空且须与报文一致")
        }
        return ledger.withState { state in
            guard var order = state.orders[payOrderID], order.hospitalCode == hospital else {
                return .refused(3001, "支付订单不存在")
            }
            guard token == order.payToken else { return .refused(1001, "payToken 与支付订单不符") }
            guard data.payAuthNo == order.payAuthNo else { return .refused(2001, "授权码与支付订单不符") }
            if order.status == 0 {
                if let refusal = authRefusal(data.payAuthNo, idNumber: order.idNumber, state: state, now: now) {
                    return refusal
                }
                let person = ledger.person(order.idNumber, in: &state)
                let split = FakeInsuranceLedger.split(lines: order.lines, balanceFen: person.balanceFen,
                                                      useAccount: data.acctUsedFlag != "0")
                (order.fundFen, order.accountFen, order.cashFen) = split
                order.status = 1
                state.persons[order.idNumber]?.balanceFen -= split.account
                state.orders[payOrderID] = order
            }
            guard order.status == 1 else { return .refused(3002, "订单状态不允许下单") }
            return .success(orderOut(order))
        }
    }

    // MARK: 6301 结算结果查询, 6401 费用明细撤销

    func query(_ data: OrderRefIn?) -> Answer {
        ledger.withState { state in
            guard let id = data?.payOrdId, let order = state.orders[id] else { return .refused(3001, "支付订单不存在") }
            return .success(orderOut(order))
        }
    }

    func revoke(_ data: OrderRefIn?) -> Answer {
        ledger.withState { state in
            guard let id = data?.payOrdId, var order = state.orders[id] else { return .refused(3001, "支付订单不存在") }
            switch order.status {
            case 0, 1:
                // The account share held at 6202 goes back.
                state.persons[order.idNumber]?.balanceFen += order.accountFen
                order.status = 12
                state.orders[id] = order
                return .success(RevokedOut())
            case 12:
                return .success(RevokedOut())
            default:
                return .refused(3002, "订单已结算，不能撤销，请走退费")
            }
        }
    }

    // MARK: 6203 医保退费

    func refund(_ data: RefundIn?) -> Answer {
        let now = clock.now()
        guard let data, let id = data.payOrdId, let refundNo = data.appRefdSn, (1...64).contains(refundNo.count),
              let time = data.appRefdTime, time.count == 14, time.allSatisfy(\.isNumber) else {
            return .refused(1001, "payOrdId、appRefdSn、appRefdTime(yyyyMMddHHmmss) 不能为空")
        }
        guard data.refdType == "HI" else { return .refused(1001, "refdType 仅支持 HI(只退医保)") }
        guard let total = data.totlRefdAmt.flatMap(FakeAlipayPay.fen),
              let account = data.psnAcctRefdAmt.flatMap(FakeAlipayPay.fen),
              let fund = data.fundRefdAmt.flatMap(FakeAlipayPay.fen),
              FakeAlipayPay.fen(data.cashRefdAmt ?? "0") == 0, total == account + fund, total > 0 else {
            return .refused(3003, "退费金额不合法：HI 退费的现金部分须为 0，且总额等于统筹加个账")
        }
        return ledger.withState { state in
            guard var order = state.orders[id] else { return .refused(3001, "支付订单不存在") }
            let answer = { (r: FakeInsuranceLedger.Refund) in
                RefundedOut(appRefdSn: r.refundNo, trxTime: Self.compact(r.at), psnAcctRefdAmt: FakeAlipayPay.yuan(r.accountFen),
                            fundRefdAmt: FakeAlipayPay.yuan(r.fundFen))
            }
            if let earlier = order.refunds.first(where: { $0.refundNo == refundNo }) {
                guard earlier.fundFen == fund, earlier.accountFen == account else {
                    return .refused(3005, "退费流水号已用于其他金额")
                }
                return .success(answer(earlier))
            }
            guard order.status == 6 else { return .refused(3002, "订单未结算或已全部退费") }
            guard fund <= order.fundFen - order.refundedFundFen, account <= order.accountFen - order.refundedAccountFen else {
                return .refused(3004, "退费金额超过可退金额")
            }
            let refund = FakeInsuranceLedger.Refund(refundNo: refundNo, fundFen: fund, accountFen: account, at: now)
            order.refunds.append(refund)
            if order.refundedFundFen == order.fundFen, order.refundedAccountFen == order.accountFen { order.status = 8 }
            state.orders[id] = order
            state.persons[order.idNumber]?.balanceFen += account
            return .success(answer(refund))
        }
    }

    // MARK: Shared

    private func orderOut(_ order: FakeInsuranceLedger.Order) -> OrderOut {
        let split = order.status >= 1
        let record = SettlementOut(
            setl_id: order.settlementID, mdtrt_id: order.visitID, psn_no: order.personNo,
            medfee_sumamt: Self.decimal(order.totalFen), fund_pay_sumamt: Self.decimal(order.fundFen),
            hifp_pay: Self.decimal(order.fundFen), acct_pay: Self.decimal(order.accountFen),
            psn_cash_pay: Self.decimal(order.cashFen), setl_time: order.settledAt.map(FakeAlipay.beijingTime))
        return OrderOut(
            payOrdId: order.payOrderID, ordStas: String(order.status), medOrgOrd: order.tradeNo,
            feeSumamt: split ? FakeAlipayPay.yuan(order.totalFen) : nil,
            fundPay: split ? FakeAlipayPay.yuan(order.fundFen) : nil,
            psnAcctPay: split ? FakeAlipayPay.yuan(order.accountFen) : nil,
            ownPayAmt: split ? FakeAlipayPay.yuan(order.cashFen) : nil,
            setlType: order.settlementID == nil ? nil : "ALL",
            extData: split ? ExtOut(preSetl: order.settlementID == nil ? record : nil,
                                    setlinfo: order.settlementID == nil ? nil : record) : nil)
    }

    /// Fen as an exact decimal yuan number (`Decimal` keeps decimal digits; a Double would not).
    static func decimal(_ fen: Int64) -> Decimal {
        Decimal(fen) / 100
    }

    static func compact(_ date: Date) -> String {
        FakeAlipay.beijingTime(date).filter(\.isNumber)
    }

    /// GB 11643 shape and check character.
    static func validIDNumber(_ raw: String?) -> String? {
        guard let text = raw?.uppercased(), text.count == 18, text.prefix(17).allSatisfy({ $0.isASCII && $0.isNumber }),
              IDCardNumber.checkCharacter(for: text.prefix(17)) == text.last else { return nil }
        return text
    }
}
