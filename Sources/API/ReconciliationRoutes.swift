import Database
import Foundation
import HuiminCore
import Hummingbird
import Payments
import Residents

/// `/api/v1/staff/reconciliation`: cashiers upload the day's channel bill and HIS settlement file,
/// run the three-way match, work through the differences, export them and close the day (日结).
struct ReconciliationRoutes {
    let services: HuiminServices

    /// A million-line WeChat bill is about 260 MB.
    static let fileLimit = 512 * 1024 * 1024

    struct ResolveBody: Decodable {
        let action: String
        let note: String
    }
    struct DifferencesEnvelope: Encodable, Sendable { let differences: [DifferenceView] }
    struct DifferenceEnvelope: Encodable, Sendable { let difference: DifferenceView }
    struct DaysEnvelope: Encodable, Sendable { let days: [DayView] }

    func register(on router: RouterGroup<some RequestContext>) {
        router.put("reconciliation/:day/:merchant/files/:side") { request, context in
            let staff = try await cashier(request)
            guard let side = ReconciliationService.Side(rawValue: context.parameters.get("side") ?? "") else {
                throw AppError.notFound("file_side_invalid", "Upload to files/channel (the channel's bill) or files/his (the HIS settlement file).")
            }
            let bytes = Array(buffer: try await request.body.collect(upTo: Self.fileLimit))
            guard !bytes.isEmpty else { throw AppError.invalid("file_empty", "The file is empty.") }
            return JSONResponse(try await services.reconciliation.upload(
                day: context.parameters.get("day") ?? "", merchantID: context.parameters.get("merchant") ?? "", side: side, bytes: bytes,
                actor: .staff(staff.id)))
        }
        router.post("reconciliation/:day/:merchant/files/:side/fetch") { request, context in
            let staff = try await cashier(request)
            guard let side = ReconciliationService.Side(rawValue: context.parameters.get("side") ?? "") else {
                throw AppError.notFound("file_side_invalid", "Fetch files/channel (the channel's bill) or files/his (the HIS settlement file).")
            }
            return JSONResponse(try await services.reconciliation.fetch(
                day: context.parameters.get("day") ?? "", merchantID: context.parameters.get("merchant") ?? "", side: side,
                actor: .staff(staff.id)))
        }
        router.post("reconciliation/:day/:merchant/run") { request, context in
            let staff = try await cashier(request)
            return JSONResponse(try await services.reconciliation.run(
                day: context.parameters.get("day") ?? "", merchantID: context.parameters.get("merchant") ?? "", actor: .staff(staff.id)))
        }
        router.get("reconciliation/:day/:merchant") { request, context in
            _ = try await cashier(request)
            return JSONResponse(try await services.reconciliation.view(
                day: context.parameters.get("day") ?? "", merchantID: context.parameters.get("merchant") ?? ""))
        }
        router.get("reconciliation/:day/:merchant/differences") { request, context -> Response in
            _ = try await cashier(request)
            let day = context.parameters.get("day") ?? "", merchant = context.parameters.get("merchant") ?? ""
            let query = request.uri.queryParameters
            if query.get("format") == "csv" {
                let csv = try await services.reconciliation.differencesCSV(day: day, merchantID: merchant)
                return Response(status: .ok, headers: [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"differences-\(day)-\(merchant).csv\"",
                ], body: .init(byteBuffer: ByteBuffer(bytes: csv)))
            }
            return try JSONResponse(DifferencesEnvelope(differences: try await services.reconciliation.differences(
                day: day, merchantID: merchant, kind: query.get("kind"), state: query.get("state")))).encoded()
        }
        router.post("reconciliation/:day/:merchant/differences/:difference/resolve") { request, context in
            let staff = try await cashier(request)
            let body = try await request.json(ResolveBody.self, context: context)
            return JSONResponse(DifferenceEnvelope(difference: try await services.reconciliation.resolve(
                day: context.parameters.get("day") ?? "", merchantID: context.parameters.get("merchant") ?? "",
                differenceID: context.parameters.get("difference") ?? "", action: body.action, note: body.note, actor: .staff(staff.id))))
        }
        router.post("reconciliation/:day/:merchant/close") { request, context in
            let staff = try await cashier(request)
            return JSONResponse(try await services.reconciliation.close(
                day: context.parameters.get("day") ?? "", merchantID: context.parameters.get("merchant") ?? "", actor: .staff(staff.id)))
        }
        router.get("reconciliation/summary") { request, _ in
            _ = try await cashier(request)
            let query = request.uri.queryParameters
            return JSONResponse(DaysEnvelope(days: try await services.reconciliation.summaries(from: query.get("from") ?? "",
                                                                                                to: query.get("to") ?? "")))
        }
    }

    private func cashier(_ request: Request) async throws -> StaffService.Staff {
        let staff = try await services.staffUser(request)
        try PaymentStaffRoutes.requireCashier(staff)
        return staff
    }
}
