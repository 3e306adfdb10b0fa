import HuiminCore

/// WeChat Pay's answers and failures as Huimin's errors. Vendor codes keep their name
/// (`wechatpay_<code lower-cased>`) so a cashier can look them up in WeChat's documentation.
public enum WeChatPayErrors {
    public static let responseUnsigned = AppError.upstream(
        "wechatpay_response_unsigned", "WeChat Pay's answer did not carry a valid platform signature.")
    public static let badResponse = AppError.upstream("wechatpay_bad_response", "WeChat Pay answered with an unexpected body.")
    public static let timeout = AppError("wechatpay_timeout", status: 504, "WeChat Pay did not answer in time.")
    public static let unreachable = AppError.upstream("wechatpay_unreachable", "WeChat Pay could not be reached.")
    public static let orderNotFound = AppError.notFound("wechatpay_order_not_found", "WeChat Pay has no such order.")
    public static let noStatement = AppError.notFound("wechatpay_no_statement", "WeChat Pay has no bill for that day.")
    public static let statementCreating = AppError.unavailable(
        "wechatpay_statement_creating", "WeChat Pay is still generating that day's bill; try again later.")
    public static let billHashMismatch = AppError.upstream(
        "wechatpay_bill_hash_mismatch", "The downloaded bill does not match the digest WeChat Pay announced.")
    public static let notificationSignatureInvalid = AppError.unauthorized(
        "notification_signature_invalid", "The notification's signature did not verify.")
    public static let notificationMalformed = AppError.invalid(
        "notification_malformed", "The notification could not be read.")

    /// A vendor error body `{code, message}`, with the HTTP status it came with.
    static func vendor(code: String, message: String?, httpStatus: Int) -> AppError {
        switch code {
        case "ORDER_NOT_EXIST":
            return orderNotFound
        case "NO_STATEMENT_EXIST":
            return noStatement
        case "STATEMENT_CREATING":
            return statementCreating
        default:
            break
        }
        let status: Int
        switch code {
        // The order's or refund's state forbids the call.
        case "ORDERPAID", "ORDER_CLOSED", "ORDERCLOSED", "OUT_TRADE_NO_USED", "NOT_ENOUGH", "USERPAYING",
             "TRADE_ERROR", "REFUND_NOT_ALLOWED":
            status = 409
        case "RESOURCE_NOT_EXISTS":
            status = 404
        case "PARAM_ERROR", "INVALID_REQUEST":
            status = 400
        case "FREQUENCY_LIMITED", "RATELIMIT_EXCEEDED":
            status = 429
        default:
            // SIGN_ERROR, NO_AUTH, APPID_MCHID_NOT_MATCH, SYSTEM_ERROR, BANKERROR, …: not the caller's doing.
            status = 502
        }
        let detail = message.map { ": \($0.prefix(120))" } ?? ""
        let huiminCode = "wechatpay_" + code.lowercased()  // the `wechatpay_<vendor code>` family in openapi.yaml
        return AppError(huiminCode, status: status, "WeChat Pay refused the request (\(code)\(detail)).")
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
