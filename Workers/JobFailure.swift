import HuiminCore

/// How a handler says an attempt failed: `retryable` failures are tried again after a backoff
/// until the job runs out of attempts; permanent ones become dead letters at once. `reason` is
/// stored and logged, so it is a short code, never personal data.
public struct JobFailure: Error, Sendable, Equatable {
    public var retryable: Bool
    public var reason: String

    public init(retryable: Bool, reason: String) {
        self.retryable = retryable
        self.reason = reason
    }

    public static func retryable(_ reason: String) -> JobFailure { JobFailure(retryable: true, reason: reason) }
    public static func permanent(_ reason: String) -> JobFailure { JobFailure(retryable: false, reason: reason) }

    /// Classifies any error a handler throws. Only codes and type names are kept, because an
    /// error's description may quote the data it choked on.
    public init(classifying error: any Error) {
        switch error {
        case let failure as JobFailure:
            self = failure
        case let appError as AppError:
            // Server-side trouble, upstream outages and rate limits pass; a rejected request will not.
            self.init(retryable: appError.status >= 500 || appError.status == 429, reason: appError.code)
        case is DecodingError:
            self = .permanent("payload_undecodable")
        case is CancellationError:
            self = .retryable("cancelled")
        default:
            self = .retryable("error_\(type(of: error))")
        }
    }
}
