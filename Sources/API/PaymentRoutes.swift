import Database
import Foundation
import HuiminCore
import Hummingbird
import Payments

/// `/api/v1/payments`: a resident pays what they owe and follows their orders and refunds.
struct PaymentRoutes {
    let services: HuiminServices

    struct PayBody: Decodable {
        let businessType: String
        let bookingId: String?
        let channel: String
    }
    struct PaymentsEnvelope: Encodable, Sendable { let payments: [PaymentView] }
    struct PaymentEnvelope: Encodable, Sendable { let payment: PaymentView }

    func register(on router: RouterGroup<some RequestContext>) {
        router.post("payments") { request, context in
            let (account, _) = try await services.resident(request)
            let body = try await request.json(PayBody.self, context: context)
            guard body.businessType == "registration" else {
                throw AppError.invalid("business_type_invalid", "Pay a registration fee: businessType \"registration\" with its bookingId.")
            }
            guard let bookingID = body.bookingId, !bookingID.isEmpty else {
                throw AppError.invalid("booking_id_missing", "Say which booking the fee is for: bookingId.")
            }
            let (checkout, created) = try await services.payments.payRegistration(
                accountID: account.id, payer: PaymentService.Payer(channel: account.channel, userID: account.channelUserId), bookingID: bookingID,
                channel: body.channel, idempotencyKey: request.headers[.idempotencyKey])
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
        // Alipay retries until the body is the literal `success`.
        router.post("alipay") { request, _ -> Response in
            let body = Array(buffer: try await request.body.collect(upTo: 64 * 1024))
            do {
                try await services.payments.takeAlipayNotification(body: body)
                return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "success")))
            } catch let error as AppError {
                return Response(status: HTTPResponse.Status(code: error.status), headers: [.contentType: "text/plain"],
                                body: .init(byteBuffer: ByteBuffer(string: "failure \(error.code)")))
            }
        }
    }
}
