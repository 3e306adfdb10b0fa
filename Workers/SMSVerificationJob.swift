import HuiminCore
import Residents
import SMS

/// 短信验证码: the residents store queues `VerificationCodes.SMSJob` in the same transaction as
/// the challenge it belongs to (outID and idempotency key are the challenge ID); this is its kind.
extension VerificationCodes.SMSJob: JobPayload {
    public static var kind: String { VerificationCodes.jobKind }
}

/// Sends the code with the approved verification template, whose only parameter is `code`.
public struct SMSVerificationHandler: JobHandler {
    let gateway: SMSGateway
    let templateCode: String
    let clock: any HuiminClock

    public init(gateway: SMSGateway, templateCode: String, clock: any HuiminClock) {
        self.gateway = gateway
        self.templateCode = templateCode
        self.clock = clock
    }

    public func run(_ job: VerificationCodes.SMSJob) async throws {
        // A resident who waited out the code's validity has asked for a new one by now.
        guard clock.now() < job.expiresAt else { throw JobFailure.permanent("code_expired_before_sending") }
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
