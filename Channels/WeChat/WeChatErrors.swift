import HuiminCore

/// WeChat's `errcode` values for `jscode2session`, as Huimin's errors.
enum WeChatErrors {
    static func error(errcode: Int) -> AppError {
        switch errcode {
        case 40029:
            return .unauthorized("login_code_invalid", "The login code is invalid or already used; log in again.")
        case 45011:
            return .rateLimited("login_rate_limited", "Too many login attempts; try again in a minute.")
        case 40226:
            return .forbidden("login_blocked", "WeChat has blocked this account from logging in.")
        case -1:
            return .unavailable("channel_busy", "WeChat is busy; try again shortly.")
        default:
            return .upstream("channel_error", "WeChat refused the login request.")
        }
    }
}
