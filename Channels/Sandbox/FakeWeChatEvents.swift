import Foundation
import HuiminCore
import Hummingbird
import Logging
import Messaging
import Synchronization
import Transport

/// WeChat's push of a template message's delivery to the official account's server
/// (`MessagingSandboxSettings.wechatEventURL`): a moment after the send, a plaintext-mode XML event
/// `TEMPLATESENDJOBFINISH` with the `MsgID` and a `Status` of `success`, `failed:user block` (the
/// follower refused the account's messages) or `failed: system failed`, POSTed to
/// `URL?signature=&timestamp=&nonce=`, where the signature is the SHA-1 of the token, timestamp and
/// nonce sorted and joined. WeChat takes an empty body or `success` as received and otherwise
/// pushes again, three times in all. `POST /sandbox/wechat/deliveries {status, times?}` makes the
/// next `times` events carry that status.
struct FakeWeChatEvents: Sendable {
    final class Plan: Sendable {
        private let pending = Mutex<(status: String, remaining: Int)?>(nil)

        func arm(status: String, times: Int) {
            pending.withLock { $0 = status == "success" ? nil : (status, times) }
        }

        func next() -> String {
            pending.withLock { plan in
                guard let current = plan, current.remaining > 0 else { return "success" }
                plan = current.remaining > 1 ? (current.status, current.remaining - 1) : nil
                return current.status
            }
        }
    }

    struct SwitchRequest: Decodable {
        let status: String
        let times: Int?
    }

    static let transport = HTTPTransport(timeout: 5)
    static let statuses: Set<String> = ["success", "failed:user block", "failed: system failed"]

    let settings: MessagingSandboxSettings
    let clock: any HuiminClock
    let plan: Plan
    let logger: Logger

    func delivered(msgid: Int64, openID: String) {
        guard let url = settings.wechatEventURL else { return }
        let status = plan.next()
        let created = Int(clock.now().timeIntervalSince1970)
        let body = """
            <xml><ToUserName><![CDATA[gh_sandbox00001]]></ToUserName><FromUserName><![CDATA[\(openID)]]></FromUserName>\
            <CreateTime>\(created)</CreateTime><MsgType><![CDATA[event]]></MsgType>\
            <Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>\(msgid)</MsgID><Status><![CDATA[\(status)]]></Status></xml>
            """
        let token = settings.wechatEventToken, delay = settings.wechatEventDelay
        Task(executorPreference: SandboxThreads.shared) {
            try? await Task.sleep(for: .seconds(delay))
            for attempt in 1...3 {
                let timestamp = String(created), nonce = SandboxHTTP.randomString(10, alphabet: SandboxHTTP.digits)
                let signed = url + (url.contains("?") ? "&" : "?") + "signature=\(WeChatEvent.signature(token: token, timestamp: timestamp, nonce: nonce))"
                    + "&timestamp=\(timestamp)&nonce=\(nonce)"
                let response = try? await Self.transport.send(OutboundRequest(
                    method: "POST", url: signed, headers: [("Content-Type", "text/xml")], body: Array(body.utf8)))
                if let response, response.status == 200,
                   ["", "success"].contains(String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespaces)) {
                    return
                }
                logger.debug("wechat event not taken", metadata: ["msgid": "\(msgid)", "attempt": "\(attempt)"])
                try? await Task.sleep(for: .seconds(Double(attempt)))
            }
        }
    }

    static func registerControl(plan: Plan, on router: Router<BasicRequestContext>) {
        router.post("/sandbox/wechat/deliveries") { request, _ in
            guard let body = SandboxHTTP.decode(SwitchRequest.self, from: try await SandboxHTTP.body(request)),
                  statuses.contains(body.status), (body.times ?? 1) > 0 else {
                return SandboxHTTP.json(FakeWeChatMessages.Problem(
                    error: "expected {status: success|failed:user block|failed: system failed, times? > 0}"), status: .badRequest)
            }
            plan.arm(status: body.status, times: body.times ?? 1)
            return Response(status: .noContent)
        }
    }
}
