import Foundation
import HuiminCore
import Residents
import SMS
import Testing
import Transport
import Workers

@Suite("SMS verification job")
struct SMSVerificationJobTests {
    @Test func theKindIsTheOneTheResidentsStoreQueues() throws {
        #expect(VerificationCodes.SMSJob.kind == "sms.verification")
        #expect(VerificationCodes.SMSJob.kind == VerificationCodes.jobKind)
    }

    @Test func anUnreachableGatewayIsRetriedWithoutLoggingTheNumber() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        let runner = Self.runnerWithUnreachableGateway(fixture)
        let id = try await fixture.queue.enqueue(VerificationCodes.SMSJob(phone: "13812345678", code: "042917", outID: "sms_abc",
                                                                                  expiresAt: fixture.clock.now().addingTimeInterval(300)),
                                                 maxAttempts: 5, idempotencyKey: "sms_abc")

        #expect(await runner.runOnce())
        let job = try await fixture.state(of: id)
        #expect(job.state == .queued)
        #expect(job.lastError == "channel_unreachable")
        #expect(fixture.logs.all.allSatisfy { !$0.contains("13812345678") && !$0.contains("042917") })
    }

    /// A code that expired while its job waited (a gateway outage, say) is not sent late.
    @Test func aCodePastItsValidityIsNotSent() async throws {
        let fixture = try QueueFixture()
        defer { fixture.remove() }
        let runner = Self.runnerWithUnreachableGateway(fixture)
        let id = try await fixture.queue.enqueue(
            VerificationCodes.SMSJob(phone: "13812345678", code: "042917", outID: "sms_late",
                                     expiresAt: fixture.clock.now().addingTimeInterval(300)),
            maxAttempts: 5, idempotencyKey: "sms_late")
        fixture.clock.advance(by: 301)
        #expect(await runner.runOnce())
        let job = try await fixture.state(of: id)
        #expect(job.state == .dead)
        #expect(job.lastError == "code_expired_before_sending")
    }

    /// A runner whose SMS gateway is port 1, where nothing listens: every send is a transient
    /// channel_unreachable failure, so a test sees whether the handler tried to send at all.
    static func runnerWithUnreachableGateway(_ fixture: QueueFixture) -> JobRunner {
        let gateway = SMSGateway(baseURL: "http://127.0.0.1:1/sms", accessKeyID: "LTAItest", accessKeySecret: "secret",
                                 signName: "惠民健康", transport: HTTPTransport(timeout: 2, connectTimeout: 1),
                                 clock: fixture.clock)
        var handlers = JobHandlerRegistry()
        handlers.register(SMSVerificationHandler(gateway: gateway, templateCode: "SMS_100000001", clock: fixture.clock))
        return fixture.runner(handlers)
    }
}
