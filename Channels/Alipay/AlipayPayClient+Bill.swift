import Foundation
import HuiminCore
import Transport

extension AlipayPayClient {
    /// alipay.data.dataservice.bill.downloadurl.query with `bill_type=trade` (收单业务账单) for an
    /// Asia/Shanghai day `YYYY-MM-DD`. The URL must be used within 30 seconds. A day Alipay has no
    /// bill for (today, the future, too old) is `alipay_isp_bill_not_exist` (404).
    public func billDownloadURL(day: String) async throws -> String {
        guard BusinessCalendar.isDay(day) else {
            throw AppError.invalid("alipay_bill_date_invalid", "The bill date must be a YYYY-MM-DD day.")
        }
        let wire = try decode(AlipayPayWire.Bill.self, try await call(
            "alipay.data.dataservice.bill.downloadurl.query", biz: ["bill_type": "trade", "bill_date": day]))
        guard let url = wire.bill_download_url, url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw AlipayPayErrors.badResponse
        }
        return url
    }

    /// The day's bill: the zip `{pid}0156_{yyyyMMdd}.csv.zip` holding the GBK `…_业务明细.csv` and
    /// `…_业务明细(汇总).csv`, exactly as downloaded (Reconciliation's AlipayTradeBill reads it). The
    /// file carries no signature of its own; it is trusted through the signed answer that named it.
    public func downloadBill(day: String) async throws -> [UInt8] {
        let url = try await billDownloadURL(day: day)
        let response: OutboundResponse
        do {
            response = try await transport.send(OutboundRequest(method: "GET", url: url))
        } catch {
            throw AlipayPayErrors.transport(error)
        }
        let body = response.body
        // A zip starts with a local file header `PK\3\4`; an expired link answers an error page.
        guard response.status == 200, body.count >= 22, body[0] == 0x50, body[1] == 0x4B, body[2] == 3, body[3] == 4 else {
            throw AlipayPayErrors.billDownloadFailed
        }
        return body
    }
}
