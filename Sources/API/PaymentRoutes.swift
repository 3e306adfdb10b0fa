import Database
import Foundation
import HuiminCore
import Hummingbird
import Payments

/// `/api/v1/payments`: a resident pays what they owe (a registration fee, a clinic bill, a bill
/// scanned from its QR code, a deposit top-up) and follows their orders and refunds.
struct PaymentRoutes {
    let services: HuiminServices

    /// The field a business type needs; its absence is `<field>_missing` (e.g. `bill_id_missing`).
    static func required(_ value: String?, _ name: String, code: String) throws -> String {
        guard let value, !value.isEmpty else { throw AppError.invalid(code, "This businessType needs \(name).") }
        return value
    }

    struct PayBody: Decodable {
        let businessType: String
        let channel: String
        let bookingId: String?
        let billId: String?
        let payCode: String?
        let memberId: String?
        let hospitalCode: String?
        let admissionNo: String?
        let amountFen: Int64?
        /// clinic_bill with medical insurance (医保移动支付): the resident's authorisation code.
        let insurance: InsuranceBody?
    }
    struct InsuranceBody: Decodable {
        let payAuthNo: String
    }
    struct PaymentsEnvelope: Encodable, Sendable { let payments: [PaymentView] }
    struct PaymentEnvelope: Encodable, Sendable { let payment: PaymentView }

    func register(on router: RouterGroup<some RequestContext>) {
        router.post("payments") { request, context in
            let (account, _) = try await services.resident(request)
            let body = try await request.json(PayBody.self, context: context)
            let payer = PaymentService.Payer(channel: account.channel, userID: account.channelUserId)
            let key = request.headers[.idempotencyKey]
            let (checkout, created) = switch body.businessType {
            case "registration":
                try await services.payments.payRegistration(accountID: account.id, payer: payer,
                                                            bookingID: try Self.required(body.bookingId, "bookingId", code: "booking_id_missing"),
                                                            channel: body.channel, idempotencyKey: key)
            case "clinic_bill":
                try await services.billing.payBill(
                    accountID: account.id, payer: payer, billID: try Self.required(body.billId, "billId", code: "bill_id_missing"),
                    channel: body.channel,
                    insured: body.insurance.map { insurance in
                        BillingService.InsuredPayment(payAuthNo: insurance.payAuthNo) { [patientCards = services.patientCards] memberID in
                            try await patientCards.idNumber(accountID: account.id, memberID: memberID)
                        }
                    },
                    idempotencyKey: key)
            case "scan_to_pay":
                try await services.billing.payScanned(accountID: account.id, payer: payer,
                                                      payCode: try Self.required(body.payCode, "payCode", code: "pay_code_missing"), channel: body.channel,
                                                      idempotencyKey: key)
            case "deposit":
                try await services.billing.topUp(accountID: account.id, payer: payer, memberID: try Self.required(body.memberId, "memberId", code: "member_id_missing"),
                                                 hospitalCode: try Self.required(body.hospitalCode, "hospitalCode", code: "hospital_code_missing"),
                                                 admissionNo: try Self.required(body.admissionNo, "admissionNo", code: "admission_no_missing"),
                                                 amountFen: body.amountFen ?? 0, channel: body.channel, idempotencyKey: key)
            default:
                throw AppError.invalid("business_type_invalid",
                                       "businessType is registration (bookingId), clinic_bill (billId), scan_to_pay (payCode) or deposit.")
            }
            return JSONResponse(checkout, status: created ? .created : .ok)
        }
        router.get("payments") { request, _ in
            let (account, _) = try await services.resident(request)
            return JSONResponse(PaymentsEnvelope(payments: try await services.payments.payments(accountID: account.id)))
        }
        router.get("payments/:payment") { request, context in
            let (account, _) = try await services.resident(request)
            return JSONResponse(PaymentEnvelope(payment: try await services.payments.payment(
                accountID: account.id, paymentID: context.parameters.get("payment") ?? "")))
        }
    }
}

/// `/notify/v1/...`: the channels' signed notifications. No bearer token: the signature is the
/// proof. Answers as each channel expects (WeChat Pay: 204, or an error status with
/// `{"code":"FAIL","message":…}`, judged by the status; Alipay: the literal body `success`).
struct PaymentNotifyRoutes {
    let services: HuiminServices

    struct Failure: Encodable, Sendable {
        let code: String
        let message: String
    }

    func register(on router: RouterGroup<some RequestContext>) {
        router.post("wechatpay") { request, _ -> Response in
            let body = Array(buffer: try await request.body.collect(upTo: 64 * 1024))
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            do {
                try await services.payments.takeWeChatNotification(headers: headers, body: body)
                return Response(status: .noContent)
            } catch let error as AppError {
                return try JSONResponse(Failure(code: "FAIL", message: "\(error.code): \(error.message)"),
                                        status: HTTPResponse.Status(code: error.status)).encoded()
            }
        }
        // UnionPay judges by the status: 200 takes it, anything else is sent again later.
        router.post("unionpay") { request, _ in
            try await Self.formNotification(request, acknowledgement: "ok", take: services.payments.takeUnionPayNotification)
        }
        // Alipay retries until the body is the literal `success`.
        router.post("alipay") { request, _ in
            try await Self.formNotification(request, acknowledgement: "success", take: services.payments.takeAlipayNotification)
        }
    }
}

extension PaymentNotifyRoutes {
    /// A form-encoded notification answered in plain text: the acknowledgement the channel looks
    /// for, or `failure <code>` with the error's status.
    static func formNotification(_ request: Request, acknowledgement: String,
                                 take: ([UInt8]) async throws -> Void) async throws -> Response {
        let body = Array(buffer: try await request.body.collect(upTo: 64 * 1024))
        let (status, text): (HTTPResponse.Status, String)
        do {
            try await take(body)
            (status, text) = (.ok, acknowledgement)
        } catch let error as AppError {
            (status, text) = (HTTPResponse.Status(code: error.status), "failure \(error.code)")
        }
        return Response(status: status, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
