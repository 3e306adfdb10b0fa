import Database
import Foundation
import HuiminCore
import Hummingbird
import Messaging

/// Where vendors report on messages: the SMS gateway's delivery receipts (状态报告) and WeChat's
/// template message deliveries (TEMPLATESENDJOBFINISH, pushed to the official account's server URL).
struct MessageNotifyRoutes {
    let services: HuiminServices

    /// The query of a signed WeChat push, once its signature checks out.
    static func verifiedWeChat(_ request: Request, token: String) throws -> [String: String] {
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        guard WeChatEvent.signatureValid(query["signature"] ?? "", token: token, timestamp: query["timestamp"] ?? "",
                                         nonce: query["nonce"] ?? "") else {
            throw AppError.unauthorized("wechat_signature_invalid", "The WeChat signature does not match the configured token.")
        }
        return query
    }

    func register(on router: RouterGroup<some RequestContext>) {
        // The gateway pushes again (three times) unless the answer is its acknowledgement, so a
        // receipt is acknowledged only once it is stored; applying one twice changes nothing.
        router.post("sms-report") { request, _ -> Response in
            let body = Array(buffer: try await request.body.collect(upTo: 1 << 20))
            let reports = try SMSReport.parse(body)
            let now = services.clock.now()
            try await services.dispatchStore.applyReceipts(reports.map {
                DeliveryReceipt(vendorMessageID: $0.bizID, delivered: $0.delivered, errorCode: $0.errorCode,
                                reportedAt: $0.reportedAt ?? now)
            }, channel: "sms", now: now)
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: SMSReport.acknowledgement)))
        }
        // WeChat checks the server URL once with a GET whose echostr must come back as it was.
        router.get("wechat-events") { request, _ -> Response in
            let echo = try Self.verifiedWeChat(request, token: services.configuration.messaging.wechatEventToken)["echostr"] ?? ""
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: echo)))
        }
        // `success` (or an empty body) tells WeChat the event arrived; anything else is pushed again.
        router.post("wechat-events") { request, _ -> Response in
            _ = try Self.verifiedWeChat(request, token: services.configuration.messaging.wechatEventToken)
            let event = try WeChatEvent.parse(Array(buffer: try await request.body.collect(upTo: 64 * 1024)))
            if event.isTemplateDelivery, let msgID = event.msgID {
                let now = services.clock.now()
                try await services.dispatchStore.applyReceipts([
                    DeliveryReceipt(vendorMessageID: msgID, delivered: event.delivered, errorCode: event.status ?? "",
                                    reportedAt: now),
                ], channel: "wechat_template", now: now)
            }
            return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(string: "success")))
        }
    }
}
