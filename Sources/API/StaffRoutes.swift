import Database
import Foundation
import HuiminCore
import Hummingbird
import Residents

/// `/api/v1/staff`: staff login, audited reads of a resident's personal data, the audit log.
struct StaffRoutes {
    let services: HuiminServices

    struct LoginBody: Decodable { let username: String; let password: String }
    struct PersonEnvelope: Encodable, Sendable { let person: PersonDetail }
    struct ReasonBody: Decodable { let reason: String }
    struct CardStatus: Encodable, Sendable { let cardId: String; let status: String }
    struct AuditEnvelope: Encodable, Sendable { let entries: [AccessStore.AuditEntry] }

    func register(on router: RouterGroup<some RequestContext>) {
        router.post("login") { request, context in
            let body = try await request.json(LoginBody.self, context: context)
            return JSONResponse(try await services.staff.login(username: body.username, password: body.password))
        }
        router.get("residents/:member") { request, context in
            let staff = try await services.staffUser(request)
            let reason = request.uri.queryParameters.get("reason") ?? ""
            guard !reason.isEmpty else {
                throw AppError.invalid("reason_missing", "Say why you read this resident's data: ?reason=….")
            }
            let person = try await services.staff.readResident(memberID: try context.member(), by: staff, reason: reason)
            return JSONResponse(PersonEnvelope(person: person))
        }
        for (action, active) in [("freeze", false), ("unfreeze", true)] {
            router.post("cards/:card/\(action)") { request, context in
                let staff = try await services.staffUser(request)
                let body = try await request.json(ReasonBody.self, context: context)
                let card = try await services.staff.setCardStatus(cardID: context.parameters.get("card") ?? "", active: active,
                                                                  reason: body.reason, by: staff)
                return JSONResponse(CardStatus(cardId: card.cardId, status: card.status))
            }
        }
        router.get("audit-log") { request, _ in
            let staff = try await services.staffUser(request)
            let limit = request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 100
            let entries = try await services.staff.auditLog(by: staff, subjectID: request.uri.queryParameters.get("subject"),
                                                            limit: limit)
            return JSONResponse(AuditEnvelope(entries: entries))
        }
    }
}
