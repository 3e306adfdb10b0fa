import HuiminCore

/// Alipay's `error_response` codes, as Huimin's errors.
enum AlipayErrors {
    static let notConfigured = AppError.unavailable("channel_not_configured", "Alipay login is not configured.")
    static let signatureInvalid = AppError.upstream("channel_signature_invalid",
                                                    "Alipay's answer did not carry a valid signature.")

    static func error(code: String, subCode: String?) -> AppError {
        // isv.code-invalid, isv.code-expired, …: the resident's one-time code, not our setup.
        if let subCode, subCode.hasPrefix("isv.code") {
            return .unauthorized("login_code_invalid", "The login code is invalid or already used; log in again.")
        }
        switch code {
        case "20000":
            return .unavailable("channel_busy", "Alipay is busy; try again shortly.")
        default:
            // Signature, app ID or permission problems: a configuration fault on Huimin's side.
            return .upstream("channel_error", "Alipay refused the login request.")
        }
    }
}
