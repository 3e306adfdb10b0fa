import Foundation
import HuiminCore
import Hummingbird
import Notices
import Residents

/// `/api/v1/staff/broadcasts`: 群发, written by administrators and operators (the ones who
/// suspend clinics and tell the patients), expanded in the background.
struct BroadcastRoutes {
    let services: HuiminServices

    struct BroadcastEnvelope: Encodable, Sendable { let broadcast: BroadcastService.View }
    /// Room for an accounts audience of BroadcastService.maxAccounts IDs.
    static let bodyLimit = 1024 * 1024

    func register(on router: RouterGroup<some RequestContext>) {
        router.post("broadcasts") { request, _ in
            let staff = try await Self.sender(services, request)
            let buffer = try await request.body.collect(upTo: Self.bodyLimit)
            let body = try JSONBody.decode(BroadcastService.Request.self, from: Array(buffer: buffer))
            let (broadcast, created) = try await services.messaging.broadcasts.create(
                body, idempotencyKey: request.headers[.idempotencyKey], actor: .staff(staff.id))
            return JSONResponse(BroadcastEnvelope(broadcast: broadcast), status: created ? .created : .ok)
        }
        router.get("broadcasts/:broadcast") { request, context in
            _ = try await Self.sender(services, request)
            return JSONResponse(BroadcastEnvelope(broadcast: try await services.messaging.broadcasts.broadcast(
                id: context.parameters.get("broadcast") ?? "")))
        }
    }

    static func sender(_ services: HuiminServices, _ request: Request) async throws -> StaffService.Staff {
        let staff = try await services.staffUser(request)
        guard staff.role == "admin" || staff.role == "operator" else {
            throw AppError.forbidden("role_forbidden", "Only administrators and operators send broadcasts.")
        }
        return staff
    }
}
