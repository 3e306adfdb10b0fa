import CZlib
import Foundation
import HuiminCore

extension UnionPayClient {
    /// fileTransfer.do (txnType 76, fileType 00): the merchant's 对账文件 of the clearing date
    /// `settleDate` (`MMdd`, the most recent such date). UnionPay answers `fileContent`, the zip
    /// deflated (zlib) and base64-encoded, and its `fileName`; this returns the zip's bytes as
    /// Reconciliation's UnionPayBill reads them (`INN<yyMMdd>88ZM_<merId>`, fixed width). A date
    /// with no file (not cleared yet, too old) is `unionpay_98` (404).
    ///
    /// Clearing days end at 23:00 Beijing time: a payment at 23:30 is in the next date's file.
    public func downloadBill(settleDate: String) async throws -> [UInt8] {
        let u = Array(settleDate.utf8)
        guard u.count == 4, let month = BusinessCalendar.digits(u, 0..<2), let day = BusinessCalendar.digits(u, 2..<4),
              (1...12).contains(month), (1...31).contains(day) else {
            throw AppError.invalid("unionpay_settle_date_invalid", "The clearing date must be MMdd.")
        }
        let answer = try await call("fileTransfer.do", [
            ("txnType", "76"), ("txnSubType", "01"), ("bizType", "000000"), ("settleDate", settleDate),
            ("txnTime", UnionPayTime.string(clock.now())), ("fileType", "00"),
        ])
        guard let content = answer["fileContent"], let deflated = Data(base64Encoded: content),
              let zip = Self.inflate(Array(deflated)),
              zip.count >= 22, zip[0] == 0x50, zip[1] == 0x4B, zip[2] == 3, zip[3] == 4 else {
            throw UnionPayErrors.billDownloadFailed
        }
        return zip
    }

    /// zlib-format (RFC 1950) inflate; nil when the data is not a complete zlib stream.
    static func inflate(_ bytes: [UInt8], limit: Int = 256 << 20) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var input = bytes
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            var result: Int32 = Z_OK
            while result == Z_OK {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { destination in
                    stream.next_out = destination.baseAddress
                    stream.avail_out = uInt(destination.count)
                    result = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return destination.count - Int(stream.avail_out)
                }
                output += chunk.prefix(produced)
                if output.count > limit { return Z_DATA_ERROR }
                if result == Z_BUF_ERROR, stream.avail_in == 0 { return Z_BUF_ERROR }
            }
            return result
        }
        return status == Z_STREAM_END ? output : nil
    }
}
