import Crypto
import Foundation
import HuiminCore
import Transport

extension WeChatPayClient {
    /// The day's ALL trade bill (`bill_date` = Asia/Shanghai day `YYYY-MM-DD`), downloaded,
    /// gunzipped when `gzip` (tar_type=GZIP), and checked against `hash_value` (SHA1 of the
    /// uncompressed file; the file itself carries no signature). `NO_STATEMENT_EXIST` is
    /// `wechatpay_no_statement`, `STATEMENT_CREATING` is `wechatpay_statement_creating`.
    public func tradeBill(day: String, gzip: Bool = true) async throws -> [UInt8] {
        guard BusinessCalendar.isDay(day) else {
            throw AppError.invalid("wechatpay_bill_date_invalid", "The bill date must be a YYYY-MM-DD day.")
        }
        let reply = try decode(WeChatPayWire.BillReply.self, try await send(
            "GET", "/v3/bill/tradebill?bill_date=\(day)&bill_type=ALL" + (gzip ? "&tar_type=GZIP" : "")))
        guard reply.hash_type == nil || reply.hash_type == "SHA1",
              let target = WeChatPaySigning.pathAndQuery(of: reply.download_url) else {
            throw WeChatPayErrors.badResponse
        }
        let file = try await send("GET", target, url: reply.download_url, signed: false).body
        guard let content = gzip ? WeChatPayGzip.gunzip(file) : file else {
            throw AppError.upstream("wechatpay_bill_corrupt", "The downloaded bill could not be decompressed.")
        }
        let digest = Insecure.SHA1.hash(data: content).map { String(format: "%02x", $0) }.joined()
        guard digest == reply.hash_value.lowercased() else { throw WeChatPayErrors.billHashMismatch }
        return content
    }
}
