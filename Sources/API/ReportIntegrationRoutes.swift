import Foundation
import HuiminCore
import Hummingbird
import Records

/// `/integration/v1/reports/{reportNo}`: a hospital publishes a report (again: the same number is
/// the same report, so a repeat is a no-op and other content a correction) and withdraws it.
struct ReportIntegrationRoutes {
    let services: HuiminServices

    /// A 10 MB PDF in base64, and the report around it.
    static let bodyLimit = 16 * 1024 * 1024

    struct ReceiptEnvelope: Encodable, Sendable { let report: ReportService.Receipt }
    struct WithdrawBody: Decodable { let reason: String? }

    func register(on router: RouterGroup<some RequestContext>) {
        router.put("reports/:reportNo") { request, context in
            let (hospital, bytes) = try await services.hospital(request, bodyLimit: Self.bodyLimit)
            let input = try JSONBody.decode(ReportInput.self, from: bytes)
            let (receipt, created) = try await services.reports.publish(hospitalCode: hospital,
                                                                        reportNo: context.parameters.get("reportNo") ?? "", input)
            return JSONResponse(ReceiptEnvelope(report: receipt), status: created ? .created : .ok)
        }
        router.delete("reports/:reportNo") { request, context in
            let (hospital, bytes) = try await services.hospital(request, bodyLimit: 16 * 1024)
            let reason = bytes.isEmpty ? nil : try JSONBody.decode(WithdrawBody.self, from: bytes).reason
            return JSONResponse(ReceiptEnvelope(report: try await services.reports.withdraw(
                hospitalCode: hospital, reportNo: context.parameters.get("reportNo") ?? "", reason: reason)))
        }
    }
}
