import Foundation
import HuiminCore
import Hummingbird
import Records

/// `/api/v1/staff`: administrators and operators look up a resident's reports, withdrawn ones
/// and earlier versions included; every read is audited with its reason.
struct ReportStaffRoutes {
    let services: HuiminServices

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("residents/:member/reports") { request, context in
            let staff = try await services.staffUser(request)
            return JSONResponse(try await services.reportReader.timeline(
                memberID: try context.member(), by: staff, reason: request.uri.queryParameters.get("reason"),
                ReportRoutes.query(request)))
        }
        router.get("reports/:report") { request, context in
            let staff = try await services.staffUser(request)
            let query = request.uri.queryParameters
            let version = try query.get("version").map { text in
                guard let number = Int(text), number > 0 else {
                    throw AppError.invalid("version_invalid", "version is a whole number from 1.")
                }
                return number
            }
            return JSONResponse(ReportRoutes.ReportEnvelope(report: try await services.reportReader.report(
                reportID: context.parameters.get("report") ?? "", version: version, by: staff, reason: query.get("reason"))))
        }
    }
}
