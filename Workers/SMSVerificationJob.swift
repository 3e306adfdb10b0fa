import HuiminCore
import SMS

/// 短信验证码: sends a resident's verification code. The residents store queues it in the same
/// transaction as the challenge it belongs to, with the challenge ID as both `outID` and
/// idempotency key.
public struct SMSVerificationJob: JobPayload, Equatable {
    public static let kind = "sms.verification"
    public var phone: String
    public var code: String
    /// Echoed by the gateway in delivery receipts (回执) so they can be matched to the challenge.
    public var outID: String

    public init(phone: String, code: String, outID: String) {
        self.phone = phone
        self.code = code
        self.outID = outID
    }
}

/// Sends the code with the approved verification template, whose only parameter is `code`.
public struct SMSVerificationHandler: JobHandler {
    let gateway: SMSGateway
    let templateCode: String

    public init(gateway: SMSGateway, templateCode: String) {
        self.gateway = gateway
        self.templateCode = templateCode
    }

    public func run(_ job: SMSVerificationJob) async throws {
        do {
            _ = try await gateway.send(phone: job.phone, templateCode: templateCode, params: ["code": job.code],
                                       outID: job.outID)
        } catch let error as SMSSendError {
            // The vendor code says which rejection it was; neither code carries the number.
            let reason = error.vendorCode.map { "\(error.appError.code):\($0)" } ?? error.appError.code
            throw JobFailure(retryable: error.retryable, reason: reason)
        }
    }
}
