import Hummingbird

/// `POST /sandbox/faults`, `DELETE /sandbox/faults` and `GET /sandbox/health`.
struct ControlRoutes: Sendable {
    let faults: FaultPlan

    struct FaultRequest: Decodable {
        let service: FaultPlan.Service
        let kind: FaultPlan.Kind
        let errorCode: String?
        let times: Int?
    }

    struct FaultReply: Encodable {
        let service: String
        let kind: String
        let times: Int
    }

    struct Problem: Encodable {
        let error: String
    }

    struct Health: Encodable {
        let status: String
    }

    func register(on router: Router<BasicRequestContext>) {
        router.post("/sandbox/faults") { request, _ in
            guard let fault = SandboxHTTP.decode(FaultRequest.self, from: try await SandboxHTTP.body(request)),
                  (fault.times ?? 1) > 0 else {
                return SandboxHTTP.json(Problem(error: "expected {service: wechat|alipay|sms|his|unionpay|insurance|wechat_messages|alipay_messages, kind: timeout|error, "
                                                    + "errorCode?, times? > 0}"), status: .badRequest)
            }
            faults.arm(fault.service, fault: .init(kind: fault.kind, errorCode: fault.errorCode), times: fault.times ?? 1)
            return SandboxHTTP.json(FaultReply(service: fault.service.rawValue, kind: fault.kind.rawValue,
                                               times: fault.times ?? 1))
        }
        router.delete("/sandbox/faults") { _, _ in
            faults.clear()
            return Response(status: .noContent)
        }
        router.get("/sandbox/health") { _, _ in SandboxHTTP.json(Health(status: "ok")) }
    }
}
