import Database
import Foundation
import HuiminCore
import Hummingbird
import Messaging

/// Where vendors report on messages: the SMS gateway's delivery receipts (状态报告).
struct MessageNotifyRoutes {
    let services: HuiminServices

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
            }, now: now)
            var headers = HTTPFields()
            headers[.contentType] = "application/json; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: SMSReport.acknowledgement)))
        }
    }
}
