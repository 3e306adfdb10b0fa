import Foundation
import HuiminCore
import Hummingbird
import Logging

/// A hospital HIS front end: `POST /his/{hospital}/patient/query` and `/patient/create` (建档)
/// in the `{"code","msg","data"}` convention, requests signed with the `X-HIS-*` HMAC-SHA256
/// headers, plus `GET /sandbox/his/patients?hospital=` to inspect a hospital's table. Bills,
/// deposits and settlements are in FakeHISBilling*.swift.
struct FakeHIS: Sendable {
    static let clockSkew: TimeInterval = 300

    let settings: SandboxSettings
    let faults: FaultPlan
    let table: HISPatientTable
    let billing: HISBillingLedger
    /// Settlement times and bill creation times.
    let clock: any HuiminClock
    let logger: Logger

    struct Reply<Payload: Encodable>: Encodable {
        let code: String
        let msg: String
        let data: Payload?
    }

    struct QueryRequest: Decodable {
        let id_card_no: String?
    }

    struct CreateRequest: Decodable {
        let name: String?
        let id_card_no: String?
        let sex: String?
        let birthday: String?
        let phone: String?
    }

    struct Created: Encodable {
        let patient_id: String
        let card_no: String
    }

    /// What the query returns: the record without the ID number it was found by.
    struct Found: Encodable {
        let patient_id: String
        let card_no: String
        let name: String
        let sex: String
        let birthday: String
        let phone: String
    }

    struct PatientsReply: Encodable {
        let patients: [HISPatientTable.Patient]
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/his/:hospital/patient/query") { request, context in
            try await handle(request, context) { hospital, body in query(hospital: hospital, body) }
        }
        router.post("/his/:hospital/patient/create") { request, context in
            try await handle(request, context) { hospital, body in create(hospital: hospital, body) }
        }
        router.get("/sandbox/his/patients") { request, _ in
            let hospital = SandboxHTTP.dictionary(SandboxHTTP.form(request.uri.query))["hospital"] ?? ""
            return SandboxHTTP.json(PatientsReply(patients: table.patients(hospital: hospital)))
        }
        registerBilling(on: router)
    }

    func handle(_ request: Request, _ context: BasicRequestContext,
                        _ operation: (String, [UInt8]) -> Response) async throws -> Response {
        let body = try await SandboxHTTP.body(request)
        if let fault = faults.take(.his) {
            if fault.kind == .timeout { await FaultPlan.hang(seconds: settings.faultHangSeconds) }
            return reply(fault.errorCode ?? "9999", "系统繁忙(sandbox fault)", data: nil as String?)
        }
        guard signatureValid(request, body: body) else {
            return reply("1003", "签名校验失败", data: nil as String?, status: .unauthorized)
        }
        let hospital = context.parameters.get("hospital") ?? ""
        guard !hospital.isEmpty, hospital.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            return reply("1004", "医院编码不存在", data: nil as String?)
        }
        return operation(hospital, body)
    }

    private func query(hospital: String, _ body: [UInt8]) -> Response {
        guard let idNumber = validIDNumber(SandboxHTTP.decode(QueryRequest.self, from: body)?.id_card_no) else {
            return reply("1002", "身份证号不合法", data: nil as String?)
        }
        let found = table.find(hospital: hospital, idNumber: idNumber).map {
            Found(patient_id: $0.patient_id, card_no: $0.card_no, name: $0.name, sex: $0.sex, birthday: $0.birthday,
                  phone: $0.phone)
        }
        return reply("0", "成功", data: found)
    }

    private func create(hospital: String, _ body: [UInt8]) -> Response {
        guard let request = SandboxHTTP.decode(CreateRequest.self, from: body),
              let name = request.name, !name.isEmpty,
              let idNumber = validIDNumber(request.id_card_no),
              let sex = request.sex, ["0", "1", "2", "9"].contains(sex),
              let birthday = request.birthday, Self.isDate(birthday) else {
            return reply("1002", "入参不合法", data: nil as String?)
        }
        guard let patient = table.create(hospital: hospital, name: name, idNumber: idNumber, sex: sex,
                                         birthday: birthday, phone: request.phone ?? "") else {
            return reply("1001", "患者已建档", data: nil as String?)
        }
        logger.info("his patient created", metadata: ["hospital": "\(hospital)", "patientId": "\(patient.patient_id)"])
        return reply("0", "成功", data: Created(patient_id: patient.patient_id, card_no: patient.card_no))
    }

    /// Checks `X-HIS-Signature` = hex(HMAC-SHA256(secret, METHOD\nPATH\nTIMESTAMP\nNONCE\nhex(SHA256(body))))
    /// and that the timestamp is within five minutes of now. "Now" is the wall clock, not the
    /// injected one: tests move the sandbox clock to expire codes, and the client signing the
    /// request knows nothing of that.
    private func signatureValid(_ request: Request, body: [UInt8]) -> Bool {
        let header = { (name: String) in
            request.headers.first { $0.name.canonicalName == name.lowercased() }?.value
        }
        guard let timestamp = header("X-HIS-Timestamp"), let seconds = Double(timestamp),
              abs(Date().timeIntervalSince1970 - seconds) <= Self.clockSkew,
              let nonce = header("X-HIS-Nonce"), let signature = header("X-HIS-Signature") else { return false }
        let expected = RequestSignature.hex(secret: Array(settings.hisSecret.utf8), method: "POST", path: request.uri.path,
                                            timestamp: timestamp, nonce: nonce, body: body)
        return Digest.constantTimeEqual(Array(expected.utf8), Array(signature.lowercased().utf8))
    }

    /// GB 11643 shape and check digit only: HIS databases hold legacy records (the standard's own
    /// example is born in 1880) that a stricter birth-date rule would refuse.
    private func validIDNumber(_ raw: String?) -> String? {
        guard let text = raw?.uppercased(), text.count == 18 else { return nil }
        let chars = Array(text)
        guard chars[0..<17].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return IDCardNumber.checkCharacter(for: text) == chars[17] ? text : nil
    }

    private static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        return parts.count == 3 && parts.map(\.count) == [4, 2, 2] && parts.allSatisfy { $0.allSatisfy(\.isNumber) }
    }

    func reply<Payload: Encodable>(_ code: String, _ message: String, data: Payload?,
                                           status: HTTPResponse.Status = .ok) -> Response {
        SandboxHTTP.json(Reply(code: code, msg: message, data: data), status: status)
    }
}
