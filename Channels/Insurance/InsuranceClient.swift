import Foundation
import HuiminCore
import Transport

/// The medical-insurance mobile payment (医保移动支付) transactions of the national medical-insurance
/// information platform, as a designated hospital calls them:
/// 6201 费用明细上传 + 6202 支付下单 (`preSettle`), 6301 结算结果查询 (`query`), 6401 费用明细撤销
/// (`cancel`) and 6203 医保退费 (`refund`).
///
/// The flow: the resident authorises in the mini-program (医保授权, a one-off `payAuthNo`); Huimin
/// uploads the bill and places the insurance order, and the centre answers the split into fund,
/// personal account and cash; the resident pays the cash part in the WeChat Pay or Alipay
/// medical-insurance cashier, which tells the centre, and the centre settles (6301 then says
/// settled, with `setl_id`). An unpaid order is revoked with 6401 when it expires.
///
/// Every call is a signed JSON POST (`InsuranceSigning`, SM2 over SM3) in the 2.0 envelope
/// (`InsuranceWire`); every answer must carry a valid centre signature and echo our `msgid`.
/// Business times (`inf_time`, `appRefdTime`) come from the injected clock; signature timestamps
/// from the wall clock, since they are checked against the centre's own clock.
public struct InsuranceClient: Sendable {
    let configuration: InsuranceConfiguration
    let transport: HTTPTransport
    let clock: any HuiminClock

    public init(configuration: InsuranceConfiguration, transport: HTTPTransport, clock: any HuiminClock = SystemClock()) {
        self.configuration = configuration
        self.transport = transport
        self.clock = clock
    }

    /// 6201 + 6202: uploads the bill's lines and places the insurance order. The answer's figures
    /// must agree with each other and with the bill (`fund + account + cash == total`, the
    /// settlement record the same as the order's figures) or it is `insurance_bad_response`.
    /// If 6202 is refused, the uploaded bill is revoked (6401, best effort) before the error is thrown.
    public func preSettle(_ request: InsurancePreSettlement) async throws -> InsuranceSplit {
        guard !request.items.isEmpty, request.items.allSatisfy({ $0.amountFen > 0 }),
              request.items.reduce(0, { $0 + $1.amountFen }) == request.totalFen else {
            throw InsuranceErrors.billInvalid
        }
        let now = clock.now()
        let lines = request.items.enumerated().map { index, item in
            InsuranceWire.FeeDetail(
                feedetlSn: request.billNo + String(format: "%04d", index + 1), rxno: request.billNo,
                medinsListCodg: item.code, medinsListName: item.name, medChrgitmType: item.category.rawValue,
                pric: InsuranceMoney.yuan(item.amountFen), detItemFeeSumamt: InsuranceMoney.yuan(item.amountFen),
                feeOcurTime: InsuranceTime.wall(now))
        }
        let uploaded = try await call("6201", hospitalCode: request.hospitalCode, InsuranceWire.FeeUpload(
            orgCodg: request.hospitalCode, medOrgOrd: request.tradeNo, chrgBchno: request.billNo,
            idNo: request.idNumber, payAuthNo: request.payAuthNo, begntime: InsuranceTime.wall(now),
            medfeeSumamt: InsuranceMoney.yuan(request.totalFen), feedetailList: lines), as: InsuranceWire.Uploaded.self)
        let order: InsuranceWire.Order
        do {
            order = try await call("6202", hospitalCode: request.hospitalCode, InsuranceWire.PayOrder(
                payAuthNo: request.payAuthNo, payOrdId: uploaded.payOrdId, payToken: uploaded.payToken,
                orgCodg: request.hospitalCode, orgBizSer: request.tradeNo, chrgBchno: request.billNo),
                as: InsuranceWire.Order.self)
        } catch let error as AppError where ![504, 502].contains(error.status) {
            try? await cancel(payOrderID: uploaded.payOrdId, hospitalCode: request.hospitalCode)
            throw error
        }
        let figures = try Self.figures(order, record: order.extData?.preSetl, payOrderID: uploaded.payOrdId)
        guard figures.total == request.totalFen else { throw InsuranceErrors.badResponse }
        let record = order.extData?.preSetl
        return InsuranceSplit(payOrderID: order.payOrdId, settlementID: record?.setl_id, visitID: record?.mdtrt_id,
                              personNo: record?.psn_no, totalFen: figures.total, fundFen: figures.fund,
                              accountFen: figures.account, cashFen: figures.cash)
    }

    /// 6301. A settled order must carry its settlement record (`setlinfo` with `setl_id`).
    public func query(payOrderID: String) async throws -> InsuranceSettlementState {
        let order = try await call("6301", hospitalCode: configuration.hospitalCode,
                                   InsuranceWire.OrderRef(payOrdId: payOrderID, orgCodg: configuration.hospitalCode),
                                   as: InsuranceWire.Order.self)
        guard order.payOrdId == payOrderID, let status = Int(order.ordStas) else { throw InsuranceErrors.badResponse }
        switch status {
        case 0...3: return .pending(orderStatus: order.ordStas)
        case 12, 13: return .cancelled(orderStatus: order.ordStas)
        case 14...16: return .failed(orderStatus: order.ordStas)
        case 4...11:
            let record = order.extData?.setlinfo
            let figures = try Self.figures(order, record: record, payOrderID: payOrderID)
            guard let record, let settlementID = record.setl_id, !settlementID.isEmpty else {
                throw InsuranceErrors.badResponse
            }
            let settledAt = try record.setl_time.map { text in
                guard let date = InsuranceTime.date(text) else { throw InsuranceErrors.badResponse }
                return date
            }
            let settlement = InsuranceSettlement(
                payOrderID: payOrderID, settlementID: settlementID, visitID: record.mdtrt_id, personNo: record.psn_no,
                totalFen: figures.total, fundFen: figures.fund, accountFen: figures.account, cashFen: figures.cash,
                settledAt: settledAt)
            return status <= 6 ? .settled(settlement) : .refunded(settlement, orderStatus: order.ordStas)
        default:
            throw InsuranceErrors.badResponse
        }
    }

    /// 6401: revokes an order that has not been settled (it expired, or the resident gave up).
    /// A settled one is `insurance_3002` (409); an unknown one `insurance_3001` (404).
    public func cancel(payOrderID: String) async throws {
        try await cancel(payOrderID: payOrderID, hospitalCode: configuration.hospitalCode)
    }

    func cancel(payOrderID: String, hospitalCode: String) async throws {
        let revoked = try await call("6401", hospitalCode: hospitalCode,
                                     InsuranceWire.OrderRef(payOrdId: payOrderID, orgCodg: hospitalCode),
                                     as: InsuranceWire.Revoked.self)
        guard revoked.success else { throw InsuranceErrors.badResponse }
    }

    /// 6203 with `refdType` HI: gives back the fund and personal-account parts of a settled order
    /// (the cash part is refunded through the channel that took it). Part of each may be refunded,
    /// up to what was settled less earlier refunds. The same `refundNo` again answers the first
    /// refund; with other amounts it is `insurance_3005` (409). More than is left is `insurance_3004`.
    public func refund(payOrderID: String, refundNo: String, fundFen: Int64, accountFen: Int64) async throws -> InsuranceRefund {
        guard fundFen >= 0, accountFen >= 0, fundFen + accountFen > 0 else {
            throw AppError.invalid("insurance_refund_invalid", "A refund must give back a positive amount.")
        }
        let refunded = try await call("6203", hospitalCode: configuration.hospitalCode, InsuranceWire.Refund(
            payOrdId: payOrderID, appRefdSn: refundNo, appRefdTime: InsuranceTime.wall(clock.now(), compact: true),
            totlRefdAmt: InsuranceMoney.yuan(fundFen + accountFen), psnAcctRefdAmt: InsuranceMoney.yuan(accountFen),
            fundRefdAmt: InsuranceMoney.yuan(fundFen)), as: InsuranceWire.Refunded.self)
        guard refunded.appRefdSn == refundNo, ["SUCC", "FAIL", "EXP"].contains(refunded.refStatus),
              refunded.fundRefdAmt.map({ $0.fen == fundFen }) ?? true,
              refunded.psnAcctRefdAmt.map({ $0.fen == accountFen }) ?? true else {
            throw InsuranceErrors.badResponse
        }
        let at = try refunded.trxTime.map { text in
            guard let date = InsuranceTime.date(text) else { throw InsuranceErrors.badResponse }
            return date
        }
        return InsuranceRefund(payOrderID: payOrderID, refundNo: refundNo, fundFen: fundFen, accountFen: accountFen,
                               status: refunded.refStatus, refundedAt: at)
    }

    // MARK: Wire

    /// The order's figures, checked: present, adding up, and equal to the settlement record's.
    static func figures(_ order: InsuranceWire.Order, record: InsuranceWire.Settlement?,
                        payOrderID: String) throws -> (total: Int64, fund: Int64, account: Int64, cash: Int64) {
        guard order.payOrdId == payOrderID, let total = order.feeSumamt?.fen, let fund = order.fundPay?.fen,
              let account = order.psnAcctPay?.fen, let cash = order.ownPayAmt?.fen,
              fund + account + cash == total else { throw InsuranceErrors.badResponse }
        if let record {
            guard record.medfee_sumamt.fen == total, record.fund_pay_sumamt.fen == fund,
                  record.acct_pay.fen == account, record.psn_cash_pay.fen == cash else { throw InsuranceErrors.badResponse }
        }
        return (total, fund, account, cash)
    }

    /// Signs and sends one transaction; returns its `output.data` when `infcode` is 0, else
    /// throws the refusal it states.
    func call<Input: Encodable, Output: Decodable>(_ infno: String, hospitalCode: String, _ input: Input,
                                                   as output: Output.Type) async throws -> Output {
        let now = clock.now()
        let msgid = hospitalCode + InsuranceTime.wall(now, compact: true)
            + String(format: "%04d", Int.random(in: 0...9999))
        let envelope = InsuranceWire.Envelope(
            infno: infno, msgid: msgid, mdtrtarea_admvs: configuration.areaCode, insuplc_admdvs: configuration.areaCode,
            recer_sys_code: configuration.receiverSystemCode, infver: configuration.interfaceVersion,
            opter: configuration.operatorID, opter_name: configuration.operatorName, inf_time: InsuranceTime.wall(now),
            fixmedins_code: hospitalCode,
            fixmedins_name: hospitalCode == configuration.hospitalCode ? configuration.hospitalName : "",
            input: .init(data: input))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = Array(try encoder.encode(envelope))
        let url = configuration.baseURL + InsuranceWire.pathPrefix + (InsuranceWire.paths[infno] ?? infno)
        // Signed over the whole path the centre sees, the base URL's own path included.
        let path = URLComponents(string: url)?.percentEncodedPath ?? "/"
        var headers: [(String, String)] = [("Content-Type", "application/json;charset=utf-8")]
        headers += try InsuranceSigning.headers(key: configuration.privateKey, method: "POST", path: path, body: body,
                                                now: Date())
        let response: OutboundResponse
        do {
            response = try await transport.send(OutboundRequest(method: "POST", url: url,
                                                                headers: headers, body: body))
        } catch {
            throw InsuranceErrors.transport(error)
        }
        let signed = InsuranceSigning.verify(key: configuration.centrePublicKey, method: "POST", path: path,
                                             body: response.body, now: Date()) { response.headers[$0.lowercased()] }
        guard signed else {
            throw response.status == 200
                ? InsuranceErrors.responseUnsigned
                : AppError.upstream("insurance_bad_response", "The insurance centre answered with HTTP \(response.status).")
        }
        let reply: InsuranceWire.Reply<Output>
        do {
            reply = try JSONDecoder().decode(InsuranceWire.Reply<Output>.self, from: Data(response.body))
        } catch {
            throw InsuranceErrors.badResponse
        }
        guard reply.inf_refmsgid == msgid else { throw InsuranceErrors.badResponse }
        guard reply.infcode == 0, let output = reply.output else {
            throw InsuranceErrors.refused(infcode: reply.infcode, message: reply.err_msg)
        }
        return output
    }
}
