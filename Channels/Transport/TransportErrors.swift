import CCurl
import HuiminCore

/// How a failed transfer is reported. Messages never carry the URL: some vendor URLs hold
/// credentials in the query (WeChat's `secret`).
enum TransportErrors {
    static let timeout = AppError("channel_timeout", status: 504, "The channel did not answer in time.")
    static let unreachable = AppError("channel_unreachable", status: 502, "The channel could not be reached.")
    static let tooLarge = AppError.upstream("channel_response_too_large", "The channel's answer was too large.")
    static let badRequest = AppError.internalError

    static func error(for code: CURLcode) -> any Error {
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return timeout
        case CURLE_ABORTED_BY_CALLBACK:
            return CancellationError()
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            return badRequest
        default:
            // Resolve/connect/TLS/send/receive failures alike: the far side is not usable now.
            return unreachable
        }
    }
}
