import Foundation
import HuiminCore
import Hummingbird
import Logging

/// A medical-insurance centre's mobile-payment interface (医保移动支付): `POST
/// /insurance/org/local/api/hos/{uldFeeInfo|pay_order|refund_Order|query_order_info|revoke_order}`
/// for 6201/6202/6203/6301/6401 (and `stmt_detail`, 3202: the daily detail of
/// FakeInsuranceStatement) in the national platform's 2.0 envelope, requests and answers
/// signed with SM2 over SM3 in `X-HSA-*` headers (see `Insurance.InsuranceSigning`). The split
/// rule is `FakeInsuranceLedger.split`; the resident's side (authorisation, the cashier that pays
/// the cash part) and inspection are the control routes of FakeInsuranceControl.
///
/// Its answer codes (`infcode`; the platform fixes only 0 and -1, centres add their own):
///
/// | infcode | meaning | | infcode | meaning |
/// |---|---|---|---|---|
/// | 0 | 成功 | | 3001 | 支付订单不存在 |
/// | 1001 | 报文或参数校验失败 | | 3002 | 订单状态不允许此交易 |
/// | 1002 | 签名验证失败 (HTTP 401) | | 3003 | 金额与明细不符 |
/// | 2001 | 授权码无效或已过期 | | 3004 | 退费金额超过可退金额 |
/// | 2002 | 人员未参保 | | 3005 | 退费流水号已用于其他金额 |
/// | 2003 | 授权人与就诊人不符 | | 9999 | 系统繁忙 (faults) |
struct FakeInsurance: Sendable {
    static let transactions = ["uldFeeInfo": "6201", "pay_order": "6202", "refund_Order": "6203",
                               "query_order_info": "6301", "revoke_order": "6401", "stmt_detail": "3202"]

    let settings: SandboxSettings
    let clock: any HuiminClock
    let faults: FaultPlan
    let logger: Logger
    let keys: InsuranceSandboxKeys
    let ledger: FakeInsuranceLedger

    var centre: InsuranceSandboxSettings { settings.insurance }

    /// - Throws: when the key files cannot be read or written.
    init(settings: SandboxSettings, clock: any HuiminClock, faults: FaultPlan, logger: Logger) throws {
        self.settings = settings
        self.clock = clock
        self.faults = faults
        self.logger = logger
        let directory = settings.insurance.keysDirectory
            ?? URL(fileURLWithPath: settings.keys.appPrivateKeyPath).deletingLastPathComponent()
        keys = try InsuranceSandboxKeys.loadOrCreate(directory: directory)
        ledger = FakeInsuranceLedger(defaultBalanceFen: settings.insurance.defaultBalanceFen)
    }

    enum Answer {
        case success(any Encodable)
        case refused(Int, String)
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/insurance/org/local/api/hos/:transaction") { request, context in
            try await handle(request, transaction: context.parameters.get("transaction") ?? "")
        }
        registerControl(on: router)
        registerStatementControl(on: router)
    }

    // MARK: Envelope

    struct EnvelopeIn: Decodable {
        let infno: String?
        let msgid: String?
        let mdtrtarea_admvs: String?
        let insuplc_admdvs: String?
        let recer_sys_code: String?
        let opter_type: String?
        let opter: String?
        let inf_time: String?
        let fixmedins_code: String?
    }

    struct InputIn<T: Decodable>: Decodable {
        struct Node: Decodable { let data: T }
        let input: Node?
    }

    struct DataOut: Encodable {
        let data: any Encodable
        enum Key: String, CodingKey { case data }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(data, forKey: .data)
        }
    }

    struct ReplyOut: Encodable {
        let infcode: Int
        let inf_refmsgid: String
        let refmsg_time: String
        let respond_time: String
        let err_msg: String
        let warn_msg = ""
        let cainfo = ""
        let signtype = "SM2"
        let output: DataOut?
    }

    private func handle(_ request: Request, transaction: String) async throws -> Response {
        let body = try await SandboxHTTP.body(request)
        let path = request.uri.path
        let envelope = SandboxHTTP.decode(EnvelopeIn.self, from: body)
        let answer = { (answer: Answer, status: HTTPResponse.Status) in
            reply(answer, msgid: envelope?.msgid ?? "", path: path, status: status)
        }
        if let fault = faults.take(.insurance) {
            if fault.kind == .timeout { await FaultPlan.hang(seconds: settings.faultHangSeconds) }
            return answer(.refused(Int(fault.errorCode ?? "") ?? 9999, "系统繁忙(sandbox fault)"), .ok)
        }
        guard signatureValid(request, path: path, body: body) else {
            return answer(.refused(1002, "签名验证失败"), .unauthorized)
        }
        guard let infno = Self.transactions[transaction], let envelope else {
            return answer(.refused(1001, "交易不存在或报文不是合法的 JSON"), .ok)
        }
        if let problem = envelopeProblem(envelope, infno: infno) { return answer(.refused(1001, problem), .ok) }
        let hospital = envelope.fixmedins_code ?? ""
        let result: Answer
        switch infno {
        case "6201": result = upload(SandboxHTTP.decode(InputIn<FeeUploadIn>.self, from: body)?.input?.data, hospital)
        case "6202": result = payOrder(SandboxHTTP.decode(InputIn<PayOrderIn>.self, from: body)?.input?.data, hospital)
        case "6203": result = refund(SandboxHTTP.decode(InputIn<RefundIn>.self, from: body)?.input?.data)
        case "6301": result = query(SandboxHTTP.decode(InputIn<OrderRefIn>.self, from: body)?.input?.data)
        case "3202": result = statement(SandboxHTTP.decode(InputIn<StatementQueryIn>.self, from: body)?.input?.data, hospital)
        default: result = revoke(SandboxHTTP.decode(InputIn<OrderRefIn>.self, from: body)?.input?.data)
        }
        if case .refused(let code, let message) = result {
            logger.info("insurance refused", metadata: ["infno": "\(infno)", "infcode": "\(code)", "reason": "\(message)"])
        }
        return answer(result, .ok)
    }

    /// What is wrong with the envelope, if anything: the transaction number must match the path,
    /// `msgid` must be the hospital code + 14-digit time + 4 digits (30 characters), the hospital,
    /// area and receiving system must be the centre's, and `inf_time` a wall time.
    private func envelopeProblem(_ envelope: EnvelopeIn, infno: String) -> String? {
        guard envelope.infno == infno else { return "infno 与交易路径不符" }
        guard let hospital = envelope.fixmedins_code, centre.hospitals[hospital] != nil else {
            return "定点医药机构编号不存在"
        }
        guard let msgid = envelope.msgid, msgid.count == 30, msgid.hasPrefix(hospital),
              msgid.dropFirst(hospital.count).allSatisfy(\.isNumber) else {
            return "msgid 须为定点医药机构编号(12)+时间(14)+顺序号(4)"
        }
        guard envelope.mdtrtarea_admvs == centre.areaCode, envelope.insuplc_admdvs?.count == 6 else {
            return "医保区划不合法"
        }
        guard envelope.recer_sys_code == centre.receiverSystemCode else { return "接收方系统代码不合法" }
        guard ["1", "2", "3"].contains(envelope.opter_type ?? ""), !(envelope.opter ?? "").isEmpty else {
            return "经办人信息不完整"
        }
        guard envelope.inf_time.flatMap(FakeAlipayPay.beijingDate) != nil else { return "inf_time 格式须为 yyyy-MM-dd HH:mm:ss" }
        return nil
    }

    /// `X-HSA-Signature` over `POST\nPATH\nTIMESTAMP\nNONCE\nhex(SM3(body))` with the hospital's
    /// registered SM2 key, timestamp within five minutes of the wall clock (not the sandbox clock:
    /// tests move that one, and the signer knows nothing of it).
    private func signatureValid(_ request: Request, path: String, body: [UInt8]) -> Bool {
        let header = { (name: String) in request.headers.first { $0.name.canonicalName == name }?.value }
        guard let timestamp = header("x-hsa-timestamp"), let seconds = Double(timestamp),
              abs(Date().timeIntervalSince1970 - seconds) <= 300,
              let nonce = header("x-hsa-nonce"), !nonce.isEmpty,
              let signature = header("x-hsa-signature").flatMap({ Data(base64Encoded: $0) }) else { return false }
        return keys.hospitalPrivateKey.publicKey.verify(
            signature: Array(signature), message: Self.signedMessage(path: path, timestamp: timestamp, nonce: nonce, body: body))
    }

    static func signedMessage(path: String, timestamp: String, nonce: String, body: [UInt8]) -> [UInt8] {
        Array(["POST", path, timestamp, nonce, Hex.encode(SM3.hash(body))].joined(separator: "\n").utf8)
    }

    /// The answer envelope, signed by the centre over its exact bytes.
    private func reply(_ answer: Answer, msgid: String, path: String, status: HTTPResponse.Status) -> Response {
        let now = FakeAlipay.beijingTime(clock.now())
        let out: ReplyOut
        switch answer {
        case .success(let data):
            out = ReplyOut(infcode: 0, inf_refmsgid: msgid, refmsg_time: now, respond_time: now, err_msg: "",
                           output: DataOut(data: data))
        case .refused(let code, let message):
            out = ReplyOut(infcode: code, inf_refmsgid: msgid, refmsg_time: now, respond_time: now, err_msg: message,
                           output: nil)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = Array((try? encoder.encode(out)) ?? Data("{}".utf8))
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let nonce = UUID().uuidString
        let signature = (try? keys.centrePrivateKey.sign(
            Self.signedMessage(path: path, timestamp: timestamp, nonce: nonce, body: body))) ?? []
        var response = SandboxHTTP.raw(body, status: status)
        for (name, value) in [("X-HSA-Timestamp", timestamp), ("X-HSA-Nonce", nonce),
                              ("X-HSA-Signature", Data(signature).base64EncodedString())] {
            if let field = HTTPFields.Element.Name(name) { response.headers[field] = value }
        }
        return response
    }
}
