import Appointments
import Database
import Foundation
import HuiminCore
import Hummingbird
import Residents

/// `/api/v1/staff`: administrators and operators keep a hospital's catalog, schedules and
/// policy with the same bodies the HIS sends, and add places to a segment (加号, audited).
struct CatalogStaffRoutes {
    let services: HuiminServices

    struct ExtraBody: Decodable { let count: Int; let reason: String }
    struct SlotEnvelope: Encodable, Sendable { let slot: StaffSlotView }

    func register(on router: RouterGroup<some RequestContext>) {
        router.put("hospitals/:hospital/catalog") { request, context in
            let (staff, hospital) = try await scheduler(request, context)
            let payload = try JSONBody.decode(CatalogPayload.self, from: try await Self.body(request))
            return JSONResponse(try await services.catalog.upsert(hospitalCode: hospital, payload: payload, actor: .staff(staff.id)))
        }
        router.put("hospitals/:hospital/schedules") { request, context in
            let (staff, hospital) = try await scheduler(request, context)
            let body = try JSONBody.decode(ScheduleRequest.self, from: try await Self.body(request))
            return JSONResponse(try await services.schedules.publish(hospitalCode: hospital, request: body, actor: .staff(staff.id)))
        }
        router.get("hospitals/:hospital/policy") { request, context in
            let (_, hospital) = try await scheduler(request, context)
            return JSONResponse(try await services.policies.effective(hospitalCode: hospital, departmentCode: nil))
        }
        router.put("hospitals/:hospital/policy") { request, context in
            let (staff, hospital) = try await scheduler(request, context)
            return JSONResponse(try await services.policies.save(hospitalCode: hospital, departmentCode: nil,
                                                                 body: try await Self.body(request, limit: 64 * 1024), actor: .staff(staff.id)))
        }
        router.get("hospitals/:hospital/departments/:department/policy") { request, context in
            let (_, hospital) = try await scheduler(request, context)
            return JSONResponse(try await services.policies.effective(hospitalCode: hospital,
                                                                      departmentCode: context.parameters.get("department") ?? ""))
        }
        router.put("hospitals/:hospital/departments/:department/policy") { request, context in
            let (staff, hospital) = try await scheduler(request, context)
            return JSONResponse(try await services.policies.save(hospitalCode: hospital, departmentCode: context.parameters.get("department") ?? "",
                                                                 body: try await Self.body(request, limit: 64 * 1024), actor: .staff(staff.id)))
        }
        router.post("slots/:slot/extra") { request, context in
            let staff = try await services.staffUser(request)
            try SessionStaffRoutes.requireScheduler(staff)
            let body = try await request.json(ExtraBody.self, context: context)
            let slot = try await services.schedules.addExtra(slotID: context.parameters.get("slot") ?? "", count: body.count,
                                                             reason: body.reason, actor: .staff(staff.id))
            return JSONResponse(SlotEnvelope(slot: slot))
        }
    }

    /// A signed-in administrator or operator, and the hospital the path names.
    private func scheduler(_ request: Request, _ context: some RequestContext) async throws -> (StaffService.Staff, String) {
        let staff = try await services.staffUser(request)
        try SessionStaffRoutes.requireScheduler(staff)
        return (staff, context.parameters.get("hospital") ?? "")
    }

    /// A whole catalog or schedule runs to megabytes, past the usual 64 KB body limit.
    private static func body(_ request: Request, limit: Int = 8 * 1024 * 1024) async throws -> [UInt8] {
        Array(buffer: try await request.body.collect(upTo: limit))
    }
}
