import Database
import Foundation
import HuiminCore
import Hummingbird
import Payments
import Residents

/// `/api/v1/staff`: merchant accounts per hospital and channel (administrators), payment orders
/// with their refunds and the postings to the HIS not yet taken or refused (cashiers).
struct PaymentStaffRoutes {
    let services: HuiminServices

    struct MerchantBody: Decodable {
        let hospitalCode: String
        let campusId: String?
        let channel: String
        let merchantNo: String
        let appId: String?
    }
    struct MerchantView: Encodable, Sendable {
        let id: String
        let hospitalCode: String
        let campusId: String
        let channel: String
        let merchantNo: String
        let appId: String
    }
    struct MerchantsEnvelope: Encodable, Sendable { let merchants: [MerchantView] }
    struct RefundBody: Decodable {
        let amountFen: Int64
        let reason: String
    }
    struct PaymentEnvelope: Encodable, Sendable { let payment: PaymentView }
    struct PostingsEnvelope: Encodable, Sendable { let postings: [HISPostingItem] }

    func register(on router: RouterGroup<some RequestContext>) {
        router.put("merchants") { request, context in
            let staff = try await services.staffUser(request)
            guard staff.role == "admin" else {
                throw AppError.forbidden("role_forbidden", "Only administrators set merchant accounts.")
            }
            let body = try await request.json(MerchantBody.self, context: context)
            let row = try await services.payments.saveMerchant(
                hospitalCode: body.hospitalCode, campusID: body.campusId ?? "", channel: body.channel, merchantNo: body.merchantNo,
                appID: body.appId ?? "", actor: .staff(staff.id))
            return JSONResponse(Self.view(row))
        }
        router.get("merchants") { request, _ in
            _ = try await services.staffUser(request)
            let hospital = request.uri.queryParameters.get("hospital") ?? ""
            return JSONResponse(MerchantsEnvelope(merchants: try await services.paymentStore.merchants(hospitalCode: hospital).map(Self.view)))
        }
        router.get("his-postings") { request, _ in
            let staff = try await services.staffUser(request)
            try Self.requireCashier(staff)
            let query = request.uri.queryParameters
            return JSONResponse(PostingsEnvelope(postings: try await services.payments.hisPostings(
                state: query.get("state") ?? "pending", hospitalCode: query.get("hospital"))))
        }
        router.get("payments/:payment") { request, context in
            let staff = try await services.staffUser(request)
            try Self.requireCashier(staff)
            return JSONResponse(PaymentEnvelope(payment: try await services.payments.payment(
                id: context.parameters.get("payment") ?? "", actor: .staff(staff.id))))
        }
        router.post("payments/:payment/refunds") { request, context in
            let staff = try await services.staffUser(request)
            try Self.requireCashier(staff)
            let body = try await request.json(RefundBody.self, context: context)
            let payment = try await services.payments.refund(
                paymentID: context.parameters.get("payment") ?? "", amountFen: body.amountFen, reason: body.reason,
                idempotencyKey: request.headers[.idempotencyKey], actor: .staff(staff.id))
            return JSONResponse(PaymentEnvelope(payment: payment), status: .created)
        }
    }

    static func view(_ row: MerchantRow) -> MerchantView {
        MerchantView(id: row.id, hospitalCode: row.hospitalCode, campusId: row.campusId, channel: row.channel,
                     merchantNo: row.merchantNo, appId: row.appId)
    }

    static func requireCashier(_ staff: StaffService.Staff) throws {
        guard staff.role == "cashier" || staff.role == "admin" else {
            throw AppError.forbidden("role_forbidden", "Only cashiers and administrators handle payments.")
        }
    }
}
