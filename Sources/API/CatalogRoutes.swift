import Appointments
import Database
import Foundation
import HuiminCore
import Hummingbird

/// `/api/v1`: what a signed-in resident browses before booking (hospitals, departments,
/// resources and their dates, a session's segments) and search by name.
struct CatalogRoutes {
    let services: HuiminServices

    struct HospitalsEnvelope: Encodable, Sendable { let hospitals: [HospitalView] }
    struct DepartmentsEnvelope: Encodable, Sendable { let departments: [DepartmentView] }
    struct ResourcesEnvelope: Encodable, Sendable { let resources: [ResourceView] }

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("hospitals") { request, _ in
            _ = try await services.resident(request)
            return JSONResponse(HospitalsEnvelope(hospitals: try await services.catalog.hospitals()))
        }
        router.get("hospitals/:hospital/departments") { request, context in
            _ = try await services.resident(request)
            let hospital = context.parameters.get("hospital") ?? ""
            return JSONResponse(DepartmentsEnvelope(departments: try await services.catalog.departments(hospitalCode: hospital)))
        }
        router.get("departments/:department/resources") { request, context in
            _ = try await services.resident(request)
            let query = request.uri.queryParameters
            let resources = try await services.catalog.resources(departmentID: context.parameters.get("department") ?? "",
                                                                 from: query.get("from"), to: query.get("to"))
            return JSONResponse(ResourcesEnvelope(resources: resources))
        }
        router.get("sessions/:session/slots") { request, context in
            _ = try await services.resident(request)
            return JSONResponse(try await services.catalog.slots(sessionID: context.parameters.get("session") ?? ""))
        }
        router.get("search") { request, _ in
            _ = try await services.resident(request)
            let query = request.uri.queryParameters
            return JSONResponse(try await services.catalog.search(query.get("q"), hospitalCode: query.get("hospital")))
        }
    }
}
