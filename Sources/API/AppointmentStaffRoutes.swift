import Appointments
import Database
import Foundation
import HuiminCore
import Hummingbird
import Residents

/// `/api/v1/staff`: no-show blocks (review, lift on appeal), appointment statistics, and the
/// notifications queued about a booking or session (to answer "was I told?").
struct AppointmentStaffRoutes {
    let services: HuiminServices

    struct NoteBody: Decodable { let note: String }
    struct BlocksEnvelope: Encodable, Sendable { let blocks: [NoShowService.BlockView] }
    struct BlockEnvelope: Encodable, Sendable { let block: NoShowService.BlockView }
    struct MessagesEnvelope: Encodable, Sendable { let messages: [OutboxStore.Entry] }

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("blocks") { request, _ in
            let staff = try await services.staffUser(request)
            let member = request.uri.queryParameters.get("memberId") ?? ""
            return JSONResponse(BlocksEnvelope(blocks: try await services.noShows.blocks(memberID: member, actor: .staff(staff.id))))
        }
        router.post("blocks/:block/lift") { request, context in
            let staff = try await services.staffUser(request)
            try Self.requireReviewer(staff)
            let body = try await request.json(NoteBody.self, context: context)
            let block = try await services.noShows.lift(blockID: context.parameters.get("block") ?? "", note: body.note,
                                                        actor: .staff(staff.id))
            return JSONResponse(BlockEnvelope(block: block))
        }
        router.get("appointment-stats") { request, _ in
            _ = try await services.staffUser(request)
            let query = request.uri.queryParameters
            return JSONResponse(try await services.appointmentStats.report(
                hospitalCode: query.get("hospital"), from: query.get("from"), to: query.get("to"), by: query.get("by")))
        }
        router.get("outbox") { request, _ in
            _ = try await services.staffUser(request)
            guard let subject = request.uri.queryParameters.get("subject"), !subject.isEmpty else {
                throw AppError.invalid("subject_missing", "Say which booking or clinic session: ?subject=ID.")
            }
            // A clinic session's notices hang off its bookings (one suspension notice each).
            let messages = if subject.hasPrefix("ses_") {
                try await services.outbox.entries(sessionID: subject)
            } else {
                try await services.outbox.entries(subjectID: subject)
            }
            return JSONResponse(MessagesEnvelope(messages: messages))
        }
    }

    /// Lifting a block overrides a hospital rule, so cashiers may not; they can still look.
    static func requireReviewer(_ staff: StaffService.Staff) throws {
        guard staff.role == "admin" || staff.role == "operator" else {
            throw AppError.forbidden("role_forbidden", "Only administrators and operators lift booking blocks.")
        }
    }
}
