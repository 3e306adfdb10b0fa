import HuiminCore

/// UnionPay's answers and failures as Huimin's errors. A refused request keeps UnionPay's
/// two-digit `respCode` (`unionpay_34`) so a cashier can look it up in the ACP 应答码 list.
public enum UnionPayErrors {
    public static let responseUnsigned = AppError.upstream(
        "unionpay_response_unsigned", "UnionPay's answer did not carry a valid signature.")
    public static let badResponse = AppError.upstream("unionpay_bad_response", "UnionPay answered with an unexpected body.")
    public static let timeout = AppError("unionpay_timeout", status: 504, "UnionPay did not answer in time.")
    public static let unreachable = AppError.upstream("unionpay_unreachable", "UnionPay could not be reached.")
    public static let billDownloadFailed = AppError.upstream("unionpay_bill_download_failed",
                                                             "The bill file could not be read.")
    public static let notificationSignatureInvalid = AppError.unauthorized(
        "notification_signature_invalid", "The notification's signature did not verify.")
    public static let notificationMalformed = AppError.invalid(
        "notification_malformed", "The notification could not be read.")

    /// An answer with `respCode` ≠ 00.
    static func gateway(respCode: String, respMsg: String?) -> AppError {
        let status: Int
        switch respCode {
        case "34", "98":
            // 查无此交易; 文件不存在 (no bill for that clearing date).
            status = 404
        case "10", "13", "33":
            // 报文格式错误; 报文交易要素缺失; 交易金额超限.
            status = 400
        case "12", "35", "36", "42":
            // 重复交易; 原交易不存在或状态不正确; 与原交易信息不符 (e.g. more refunded than paid);
            // 扣款成功但交易超过规定支付时间.
            status = 409
        default:
            // 01 交易失败, 02 系统未开放, 03/04/05 状态未明 (query later), 06 系统繁忙, 11 验签失败
            // (our keys), 31/32/43 merchant status or permission: not the caller's doing.
            status = 502
        }
        let code = respCode.allSatisfy { $0.isLetter || $0.isNumber } && !respCode.isEmpty ? respCode : "unknown"
        let detail = respMsg.map { ": \($0.prefix(120))" } ?? ""
        return AppError("unionpay_\(code)", status: status, "UnionPay refused the request (\(respCode)\(detail)).")
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
