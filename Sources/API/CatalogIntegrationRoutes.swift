import Appointments
import Database
import Foundation
import HuiminCore
import Hummingbird

/// `/integration/v1`: a hospital's HIS keeps its catalog, schedules and booking policy. The
/// calling hospital is the one the signature names; a hospital never writes another's data.
struct CatalogIntegrationRoutes {
    let services: HuiminServices

    func register(on router: RouterGroup<some RequestContext>) {
        router.put("catalog") { request, _ in
            let (hospital, bytes) = try await services.hospital(request)
            let payload = try JSONBody.decode(CatalogPayload.self, from: bytes)
            return JSONResponse(try await services.catalog.upsert(hospitalCode: hospital, payload: payload, actor: .hospital(hospital)))
        }
        router.put("schedules") { request, _ in
            let (hospital, bytes) = try await services.hospital(request)
            let body = try JSONBody.decode(ScheduleRequest.self, from: bytes)
            return JSONResponse(try await services.schedules.publish(hospitalCode: hospital, request: body, actor: .hospital(hospital)))
        }
        router.get("policy") { request, _ in
            let (hospital, _) = try await services.hospital(request)
            return JSONResponse(try await services.policies.effective(hospitalCode: hospital, departmentCode: nil))
        }
        router.put("policy") { request, _ in
            let (hospital, bytes) = try await services.hospital(request, bodyLimit: 64 * 1024)
            return JSONResponse(try await services.policies.save(hospitalCode: hospital, departmentCode: nil, body: bytes,
                                                                 actor: .hospital(hospital)))
        }
        router.get("departments/:department/policy") { request, context in
            let (hospital, _) = try await services.hospital(request)
            return JSONResponse(try await services.policies.effective(hospitalCode: hospital,
                                                                      departmentCode: context.parameters.get("department") ?? ""))
        }
        router.put("departments/:department/policy") { request, context in
            let (hospital, bytes) = try await services.hospital(request, bodyLimit: 64 * 1024)
            return JSONResponse(try await services.policies.save(hospitalCode: hospital, departmentCode: context.parameters.get("department") ?? "",
                                                                 body: bytes, actor: .hospital(hospital)))
        }
    }
}
