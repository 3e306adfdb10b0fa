import Appointments
import Foundation
import HuiminCore
import Hummingbird
import Residents

/// `/api/v1/staff/sessions`: an administrator suspends a clinic session or hands it to another doctor.
struct SessionStaffRoutes {
    let services: HuiminServices

    struct ReasonBody: Decodable { let reason: String }
    struct SubstituteBody: Decodable { let doctorId: String; let reason: String }

    func register(on router: RouterGroup<some RequestContext>) {
        router.post("sessions/:session/suspend") { request, context in
            let staff = try await services.staffUser(request)
            try Self.requireScheduler(staff)
            let body = try await request.json(ReasonBody.self, context: context)
            let session = context.parameters.get("session") ?? ""
            try await services.sessions.requireSession(session)
            return JSONResponse(try await services.sessions.suspend(sessionID: session, reason: body.reason, actor: .staff(staff.id)))
        }
        router.post("sessions/:session/substitute") { request, context in
            let staff = try await services.staffUser(request)
            try Self.requireScheduler(staff)
            let body = try await request.json(SubstituteBody.self, context: context)
            let session = context.parameters.get("session") ?? ""
            try await services.sessions.requireSession(session)
            return JSONResponse(try await services.sessions.substitute(sessionID: session, doctorID: body.doctorId, reason: body.reason,
                                                                        actor: .staff(staff.id)))
        }
    }

    /// Cashiers settle money; changing clinics is for administrators and operators.
    static func requireScheduler(_ staff: StaffService.Staff) throws {
        guard staff.role == "admin" || staff.role == "operator" else {
            throw AppError.forbidden("role_forbidden", "Only administrators and operators change clinic sessions.")
        }
    }
}
