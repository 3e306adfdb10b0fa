import Foundation
import HuiminCore
import Hummingbird
import QRCode
import Residents

/// The resident's e-health card: card info, the dynamic QR (JSON, SVG, PNG or plain text), the
/// printable static code, and hospital patient cards.
struct CardRoutes {
    let services: HuiminServices

    struct CardEnvelope: Encodable, Sendable { let card: HealthCardService.CardInfo }
    struct CardsEnvelope: Encodable, Sendable { let cards: [PatientCardService.BoundCard] }
    struct BoundEnvelope: Encodable, Sendable { let card: PatientCardService.BoundCard }
    struct RecordsEnvelope: Encodable, Sendable { let records: [PatientCardService.Record] }
    struct BindBody: Decodable { let hospitalCode: String; let patientId: String?; let create: Bool? }

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("card-keys") { _, _ in JSONResponse(services.cards.keySet) }
        router.get("family-members/:member/card") { request, context in
            let (account, _) = try await services.resident(request)
            return JSONResponse(CardEnvelope(card: try await services.cards.card(accountID: account.id, memberID: try context.member())))
        }
        router.get("family-members/:member/card/qr") { request, context in
            let (account, _) = try await services.resident(request)
            let code = try await services.cards.dynamicCode(accountID: account.id, memberID: try context.member())
            return try Self.render(code, format: request.uri.queryParameters.get("format") ?? "json")
        }
        router.post("family-members/:member/card/static-code") { request, context in
            let (account, _) = try await services.resident(request)
            return JSONResponse(try await services.cards.issueStaticCode(accountID: account.id, memberID: try context.member()),
                                status: .created)
        }
        router.delete("family-members/:member/card/static-code") { request, context in
            let (account, _) = try await services.resident(request)
            try await services.cards.revokeStaticCode(accountID: account.id, memberID: try context.member())
            return Response(status: .noContent)
        }
        router.get("family-members/:member/patient-cards") { request, context in
            let (account, _) = try await services.resident(request)
            return JSONResponse(CardsEnvelope(cards: try await services.patientCards.list(accountID: account.id, memberID: try context.member())))
        }
        router.get("family-members/:member/patient-cards/lookup") { request, context in
            let (account, _) = try await services.resident(request)
            guard let hospital = request.uri.queryParameters.get("hospital"), !hospital.isEmpty else {
                throw AppError.invalid("hospital_missing", "Say which hospital: ?hospital=CODE.")
            }
            let records = try await services.patientCards.lookup(accountID: account.id, memberID: try context.member(),
                                                                 hospitalCode: hospital)
            return JSONResponse(RecordsEnvelope(records: records))
        }
        router.post("family-members/:member/patient-cards") { request, context in
            let (account, _) = try await services.resident(request)
            let body = try await request.json(BindBody.self, context: context)
            let member = try context.member()
            let card: PatientCardService.BoundCard
            if body.create == true {
                card = try await services.patientCards.create(accountID: account.id, memberID: member, hospitalCode: body.hospitalCode)
            } else if let patientID = body.patientId {
                card = try await services.patientCards.bind(accountID: account.id, memberID: member,
                                                            hospitalCode: body.hospitalCode, patientID: patientID)
            } else {
                throw AppError.invalid("patient_id_missing", "Send patientId to bind a record, or create: true to open one.")
            }
            return JSONResponse(BoundEnvelope(card: card), status: .created)
        }
        router.delete("family-members/:member/patient-cards/:hospital") { request, context in
            let (account, _) = try await services.resident(request)
            try await services.patientCards.unbind(accountID: account.id, memberID: try context.member(),
                                                   hospitalCode: context.parameters.get("hospital") ?? "")
            return Response(status: .noContent)
        }
    }

    static func matrix(_ payload: String) throws(AppError) -> QRMatrix {
        do {
            return try QRMatrix(text: payload)
        } catch {
            throw AppError("qr_encode_failed", status: 500, "The QR code could not be made.")
        }
    }

    static func render(_ code: HealthCardService.DynamicCode, format: String) throws -> Response {
        let noStore: HTTPFields = [.cacheControl: "no-store"]
        switch format {
        case "json":
            return try JSONResponse(code, headers: noStore).encoded()
        case "text":
            return Response(status: .ok, headers: noStore + [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: code.payload)))
        case "svg":
            let svg = try Self.matrix(code.payload).svg(moduleSize: 8, margin: 4)
            return Response(status: .ok, headers: noStore + [.contentType: "image/svg+xml"],
                            body: .init(byteBuffer: ByteBuffer(string: svg)))
        case "png":
            let png: [UInt8]
            do {
                png = try Self.matrix(code.payload).png(scale: 8, margin: 4)
            } catch {
                throw AppError("qr_encode_failed", status: 500, "The QR image could not be made.")
            }
            return Response(status: .ok, headers: noStore + [.contentType: "image/png"],
                            body: .init(byteBuffer: ByteBuffer(bytes: png)))
        default:
            throw AppError.invalid("format_invalid", "format is one of json, svg, png or text.")
        }
    }
}
