import HuiminCore

/// The trade APIs' answers and failures as Huimin's errors. Gateway errors keep their sub_code
/// (`alipay_<sub_code lower-cased, dots to underscores>`, e.g. `alipay_acq_trade_not_exist`) so a
/// cashier can look them up in Alipay's documentation.
public enum AlipayPayErrors {
    public static let responseUnsigned = AppError.upstream(
        "alipay_response_unsigned", "Alipay's answer did not carry a valid signature.")
    public static let badResponse = AppError.upstream("alipay_bad_response", "Alipay answered with an unexpected body.")
    public static let timeout = AppError("alipay_timeout", status: 504, "Alipay did not answer in time.")
    public static let unreachable = AppError.upstream("alipay_unreachable", "Alipay could not be reached.")
    public static let refundNotFound = AppError.notFound("alipay_refund_not_found",
                                                         "Alipay has no refund with that request number.")
    public static let billDownloadFailed = AppError.upstream("alipay_bill_download_failed",
                                                             "The bill file could not be downloaded.")
    public static let notificationSignatureInvalid = AppError.unauthorized(
        "notification_signature_invalid", "The notification's signature did not verify.")
    public static let notificationMalformed = AppError.invalid(
        "notification_malformed", "The notification could not be read.")

    /// A gateway answer with `code` ≠ 10000.
    static func gateway(code: String, msg: String?, subCode: String?, subMsg: String?) -> AppError {
        guard let subCode, !subCode.isEmpty else {
            // 20000 (service unavailable) without a sub_code, or a code we do not know.
            return AppError.upstream("alipay_error_\(code)", "Alipay refused the request (\(code) \(msg ?? "")).")
        }
        let status: Int
        switch subCode.uppercased() {
        case "ACQ.TRADE_NOT_EXIST", "ISP.BILL_NOT_EXIST":
            status = 404
        // The trade's or refund's state forbids the call.
        case "ACQ.TRADE_HAS_SUCCESS", "ACQ.TRADE_HAS_CLOSE", "ACQ.TRADE_HAS_FINISHED", "ACQ.TRADE_STATUS_ERROR",
             "ACQ.CONTEXT_INCONSISTENT", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "ACQ.DISCORDANT_REPEAT_REQUEST",
             "ACQ.TRADE_NOT_ALLOWED_REFUND", "ACQ.REASON_TRADE_BEEN_FREEZEN", "ACQ.SELLER_BALANCE_NOT_ENOUGH":
            status = 409
        case "ACQ.INVALID_PARAMETER", "ACQ.REASON_TRADE_REFUND_FEE_ERR", "ACQ.BUYER_NOT_EXIST",
             "ACQ.TOTAL_FEE_EXCEED", "ISV.INVALID-PARAMETER", "ISV.MISSING-PARAMETER":
            status = 400
        default:
            // ACQ.SYSTEM_ERROR, isv.* (signature, app ID, permission), aop.*, isp.*: not the caller's doing.
            status = 502
        }
        let code = "alipay_" + subCode.lowercased().replacingOccurrences(of: ".", with: "_")
        let detail = subMsg.map { ": \($0.prefix(120))" } ?? ""
        return AppError(code, status: status, "Alipay refused the request (\(subCode)\(detail)).")
    }

    /// The transport's own failures, renamed for this channel.
    static func transport(_ error: any Error) -> any Error {
        guard let error = error as? AppError else { return error }
        switch error.code {
        case "channel_timeout": return timeout
        case "channel_unreachable", "channel_response_too_large": return unreachable
        default: return error
        }
    }
}
