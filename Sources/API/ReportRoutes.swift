import Foundation
import HuiminCore
import Hummingbird
import Records

/// `/api/v1/family-members/{member}/reports`: a family member's lab, exam and ECG reports from
/// every hospital as a timeline, one report opened, its PDF, and one lab item's trend.
struct ReportRoutes {
    let services: HuiminServices

    struct ReportEnvelope: Encodable, Sendable { let report: ReportView }
    struct TrendEnvelope: Encodable, Sendable { let trend: LabTrend }

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("family-members/:member/reports") { request, context in
            let (account, _) = try await services.resident(request)
            return JSONResponse(try await services.reportReader.timeline(accountID: account.id, memberID: try context.member(),
                                                                          Self.query(request)))
        }
        router.get("family-members/:member/reports/:report") { request, context in
            let (account, _) = try await services.resident(request)
            return JSONResponse(ReportEnvelope(report: try await services.reportReader.report(
                accountID: account.id, memberID: try context.member(), reportID: context.parameters.get("report") ?? "")))
        }
        router.get("family-members/:member/reports/:report/pdf") { request, context in
            let (account, _) = try await services.resident(request)
            let reportID = context.parameters.get("report") ?? ""
            let bytes = try await services.reportReader.pdf(accountID: account.id, memberID: try context.member(), reportID: reportID)
            return Response(status: .ok, headers: [.contentType: "application/pdf", .cacheControl: "private, no-store",
                                                   .contentDisposition: "inline; filename=\"\(reportID).pdf\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("family-members/:member/lab-trend") { request, context in
            let (account, _) = try await services.resident(request)
            let query = request.uri.queryParameters
            return JSONResponse(TrendEnvelope(trend: try await services.reportReader.trend(
                accountID: account.id, memberID: try context.member(), code: query.get("code"), from: query.get("from"),
                to: query.get("to"))))
        }
    }

    /// The timeline's filters: hospital, kind, from/to (days or instants), cursor and limit.
    static func query(_ request: Request) -> ReportReader.Query {
        let query = request.uri.queryParameters
        return ReportReader.Query(hospital: query.get("hospital"), kind: query.get("kind"), from: query.get("from"),
                                  to: query.get("to"), cursor: query.get("cursor"), limit: query.get("limit"))
    }
}
