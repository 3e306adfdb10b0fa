import HuiminCore

/// Why a message was not sent, and whether trying again later can help. The job queue retries
/// `retryable` failures with backoff and dead-letters the rest.
public struct SMSSendError: Error, Sendable, Equatable, CustomStringConvertible {
    public let appError: AppError
    public let retryable: Bool
    /// The gateway's own code (`isv.…`), when it answered; nil for transport failures.
    public let vendorCode: String?

    public init(_ appError: AppError, retryable: Bool, vendorCode: String? = nil) {
        self.appError = appError
        self.retryable = retryable
        self.vendorCode = vendorCode
    }

    public var description: String {
        "\(appError.code)\(vendorCode.map { " [\($0)]" } ?? "") retryable=\(retryable)"
    }

    /// Maps the gateway's `Code` (anything but "OK").
    static func gateway(code: String) -> SMSSendError {
        switch code {
        case "isv.BUSINESS_LIMIT_CONTROL":
            // Retrying only spends more of the same per-number quota; the resident can ask again.
            return SMSSendError(.rateLimited("sms_rate_limited", "Too many messages to this number; try again later."),
                                retryable: false, vendorCode: code)
        case "isv.MOBILE_NUMBER_ILLEGAL":
            return SMSSendError(.invalid("phone_invalid", "The mobile number is not valid."),
                                retryable: false, vendorCode: code)
        case "isv.TEMPLATE_MISSING_PARAMETERS", "isv.SMS_SIGNATURE_ILLEGAL", "isv.SMS_TEMPLATE_ILLEGAL":
            return SMSSendError(rejected, retryable: false, vendorCode: code)
        case "isv.AMOUNT_NOT_ENOUGH":
            // The account ran out of credit: once operations top it up, a retry goes through.
            return SMSSendError(rejected, retryable: true, vendorCode: code)
        default:
            return SMSSendError(.upstream("sms_failed", "The SMS gateway could not send the message."),
                                retryable: true, vendorCode: code)
        }
    }

    static let rejected = AppError("sms_rejected", status: 502, "The SMS gateway rejected the message.")
}
