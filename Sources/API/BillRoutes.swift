import Foundation
import HuiminCore
import Hummingbird
import Payments

/// `/api/v1/bills` and `/api/v1/inpatients`: what a resident's family owes the hospitals (门诊
/// 待缴费), the bill behind a printed QR code, hospital stays with their deposit and daily list.
struct BillRoutes {
    let services: HuiminServices

    struct BillsEnvelope: Encodable, Sendable { let bills: [BillView] }
    struct BillEnvelope: Encodable, Sendable { let bill: BillView }
    struct InpatientsEnvelope: Encodable, Sendable { let inpatients: [InpatientView] }

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("bills") { request, _ in
            let (account, _) = try await services.resident(request)
            return JSONResponse(BillsEnvelope(bills: try await services.billing.bills(accountID: account.id)))
        }
        router.get("bills/:bill") { request, context in
            let (account, _) = try await services.resident(request)
            return JSONResponse(BillEnvelope(bill: try await services.billing.bill(accountID: account.id,
                                                                                billID: context.parameters.get("bill") ?? "")))
        }
        router.get("bill-codes/:code") { request, context in
            _ = try await services.resident(request)
            return JSONResponse(BillEnvelope(bill: try await services.billing.scanned(payCode: context.parameters.get("code") ?? "")))
        }
        router.get("inpatients") { request, _ in
            let (account, _) = try await services.resident(request)
            let memberID = try PaymentRoutes.required(request.uri.queryParameters["memberId"].map(String.init), "memberId",
                                                      code: "member_id_missing")
            return JSONResponse(InpatientsEnvelope(inpatients: try await services.billing.inpatients(accountID: account.id, memberID: memberID)))
        }
        router.get("inpatients/:hospital/:admission/daily-list") { request, context in
            let (account, _) = try await services.resident(request)
            let query = request.uri.queryParameters
            let memberID = try PaymentRoutes.required(query["memberId"].map(String.init), "memberId", code: "member_id_missing")
            let day = try PaymentRoutes.required(query["day"].map(String.init), "day", code: "day_invalid")
            return JSONResponse(DailyListView(try await services.billing.dailyList(
                accountID: account.id, memberID: memberID, hospitalCode: context.parameters.get("hospital") ?? "",
                admissionNo: context.parameters.get("admission") ?? "", day: day)))
        }
    }
}

/// `/integration/v1/bills/{billNo}`: the HIS pushes a patient's unpaid bill (again: the same
/// number is the same bill) and takes it back when it is paid at the window or voided.
struct BillIntegrationRoutes {
    let services: HuiminServices

    func register(on router: RouterGroup<some RequestContext>) {
        router.put("bills/:billNo") { request, context in
            let (hospital, bytes) = try await services.hospital(request, bodyLimit: 1024 * 1024)
            let input = try JSONBody.decode(BillInput.self, from: bytes)
            let (bill, created) = try await services.billing.push(hospitalCode: hospital, billNo: context.parameters.get("billNo") ?? "", input)
            return JSONResponse(BillRoutes.BillEnvelope(bill: bill), status: created ? .created : .ok)
        }
        router.delete("bills/:billNo") { request, context in
            let (hospital, _) = try await services.hospital(request)
            return JSONResponse(BillRoutes.BillEnvelope(bill: try await services.billing.withdraw(
                hospitalCode: hospital, billNo: context.parameters.get("billNo") ?? "")))
        }
    }
}
