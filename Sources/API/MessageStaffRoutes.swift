import Database
import Foundation
import HuiminCore
import Hummingbird
import Notices
import Residents

/// `/api/v1/staff/messages` and `/api/v1/staff/message-stats`: what was sent to whom, how it
/// went, and putting a dead message back in the queue. Searching and reading are for
/// administrators and operators (they answer residents' "was I told?"), audited; requeueing is
/// for administrators; the statistics carry no one's data and are for any staff.
struct MessageStaffRoutes {
    let services: HuiminServices

    struct MessageEnvelope: Encodable, Sendable {
        let message: MessageRecordStore.Message
        let recipient: MessageRecordService.RecipientView?
        let attempts: [MessageRecordStore.Attempt]?
    }

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("messages") { request, _ in
            let staff = try await Self.reader(services, request)
            let q = request.uri.queryParameters
            let filters = MessageRecordService.Filters(
                accountId: q.get("accountId"), personId: q.get("personId"), memberId: q.get("memberId"), event: q.get("event"),
                channel: q.get("channel"), status: q.get("status"), from: q.get("from"), to: q.get("to"), cursor: q.get("cursor"),
                limit: q.get("limit"))
            return JSONResponse(try await services.messaging.records.search(filters, by: .staff(staff.id)))
        }
        router.get("messages/:message") { request, context in
            let staff = try await Self.reader(services, request)
            let (message, recipient, attempts) = try await services.messaging.records.message(
                id: context.parameters.get("message") ?? "", by: .staff(staff.id))
            return JSONResponse(MessageEnvelope(message: message, recipient: recipient, attempts: attempts))
        }
        router.post("messages/:message/requeue") { request, context in
            let staff = try await services.staffUser(request)
            guard staff.role == "admin" else {
                throw AppError.forbidden("role_forbidden", "Only administrators requeue dead messages.")
            }
            let message = try await services.messaging.records.requeue(id: context.parameters.get("message") ?? "", by: .staff(staff.id))
            return JSONResponse(MessageEnvelope(message: message, recipient: nil, attempts: nil))
        }
        router.get("message-stats") { request, _ in
            _ = try await services.staffUser(request)
            let q = request.uri.queryParameters
            return JSONResponse(try await services.messaging.statistics.report(from: q.get("from"), to: q.get("to")))
        }
    }

    static func reader(_ services: HuiminServices, _ request: Request) async throws -> StaffService.Staff {
        let staff = try await services.staffUser(request)
        guard staff.role == "admin" || staff.role == "operator" else {
            throw AppError.forbidden("role_forbidden", "Only administrators and operators read residents' messages.")
        }
        return staff
    }
}
