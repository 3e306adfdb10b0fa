import Foundation
import HuiminCore
import Transport

/// Client of the hospitals' HIS front-end interface: patient lookup by ID number and patient
/// record creation (建档). Every request is signed as `HISRequestSigning` describes.
public struct HISClient: Sendable {
    /// The shared secret the sandbox HIS expects; production sets the real one per deployment.
    public static let sandboxSecret = "sandbox-his-secret"

    let baseURL: String
    let secret: String
    let transport: HTTPTransport
    let clock: any HuiminClock

    public init(settings: Configuration.ChannelSettings, transport: HTTPTransport, clock: any HuiminClock = SystemClock()) {
        self.init(baseURL: settings.hisBaseURL, transport: transport, secret: settings.hisSecret, clock: clock)
    }

    public init(baseURL: String, transport: HTTPTransport, secret: String = HISClient.sandboxSecret,
                clock: any HuiminClock = SystemClock()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.secret = secret
        self.transport = transport
        self.clock = clock
    }

    /// Every record the hospital holds for this ID number (usually zero or one; old systems
    /// sometimes hold duplicates).
    public func findPatients(hospitalCode: String, idNumber: String) async throws -> [HISPatient] {
        let reply: HISWire.Reply<[HISWire.Patient]> = try await post(
            hospitalCode: hospitalCode, operation: "patient/query", HISWire.QueryRequest(id_card_no: idNumber))
        return (reply.data ?? []).map {
            HISPatient(patientID: $0.patient_id, cardNumber: $0.card_no, name: $0.name ?? "",
                       sex: HISWire.sex(code: $0.sex), birthDate: $0.birthday ?? "", phone: $0.phone ?? "")
        }
    }

    /// 建档. `sex` is "male" or "female"; `birthDate` is `YYYY-MM-DD`.
    public func createPatient(hospitalCode: String, name: String, idNumber: String, sex: String, birthDate: String,
                              phone: String) async throws -> HISPatient {
        let reply: HISWire.Reply<HISWire.Created> = try await post(
            hospitalCode: hospitalCode, operation: "patient/create",
            HISWire.CreateRequest(name: name, id_card_no: idNumber, sex: HISWire.sexCode(sex), birthday: birthDate,
                                  phone: phone))
        guard let created = reply.data else {
            throw AppError.upstream("channel_bad_response", "The hospital's system created no record.")
        }
        return HISPatient(patientID: created.patient_id, cardNumber: created.card_no, name: name, sex: sex,
                          birthDate: birthDate, phone: phone)
    }

    func post<Body: Encodable, Payload: Decodable>(hospitalCode: String, operation: String,
                                                           _ body: Body) async throws -> HISWire.Reply<Payload> {
        let bytes = Array(try JSONEncoder().encode(body))
        let url = "\(baseURL)/\(PercentEncoding.encode(hospitalCode))/\(operation)"
        let path = URLComponents(string: url)?.percentEncodedPath ?? "/"
        var headers: [(String, String)] = [("Content-Type", "application/json; charset=utf-8")]
        headers += HISRequestSigning.headers(secret: secret, method: "POST", path: path, body: bytes, now: clock.now())
        let response = try await transport.send(OutboundRequest(method: "POST", url: url, headers: headers, body: bytes))
        // Business errors come as 200 with a code; an unparseable non-200 is the HIS failing.
        guard let reply = try? response.decode(HISWire.Reply<Payload>.self) else {
            throw AppError.upstream("channel_error", "The hospital's system answered with HTTP \(response.status).")
        }
        guard reply.code == "0" else { throw HISErrors.error(code: reply.code) }
        return reply
    }
}
