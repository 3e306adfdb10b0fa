import Foundation
import HuiminCore
import Hummingbird
import Residents

/// `/api/v1`: what the WeChat and Alipay mini-programs call.
struct ResidentRoutes {
    let services: HuiminServices

    struct CodeBody: Decodable { let code: String }
    struct SMSBody: Decodable { let phone: String; let purpose: String? }
    struct RealNameBody: Decodable { let name: String; let idNumber: String; let phone: String; let smsCode: String }
    struct AddMemberBody: Decodable { let name: String; let idNumber: String; let relation: String; let phone: String? }
    struct UpdateMemberBody: Decodable { let relation: String?; let phone: String? }
    struct MemberEnvelope: Encodable, Sendable { let member: MemberResponse }
    struct MembersEnvelope: Encodable, Sendable { let members: [MemberResponse] }
    struct MeResponse: Encodable, Sendable {
        let account: AccountService.AccountInfo
        let `self`: MemberResponse?

        /// `self` is written as null before real-name registration, as the contract says.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(account, forKey: .account)
            try container.encode(self.`self`, forKey: .`self`)
        }
        enum CodingKeys: String, CodingKey { case account, `self` }
    }

    func register(on router: RouterGroup<some RequestContext>) {
        router.post("auth/wechat") { request, context in
            let body = try await request.json(CodeBody.self, context: context)
            return JSONResponse(try await services.accounts.loginWeChat(code: body.code))
        }
        router.post("auth/alipay") { request, context in
            let body = try await request.json(CodeBody.self, context: context)
            return JSONResponse(try await services.accounts.loginAlipay(code: body.code))
        }
        router.post("auth/logout") { request, _ in
            let (_, session) = try await services.resident(request)
            try await services.accounts.logout(sessionID: session)
            return Response(status: .noContent)
        }
        router.get("me") { request, _ in
            let (account, _) = try await services.resident(request)
            let members = try await services.family.members(accountID: account.id)
            return JSONResponse(MeResponse(account: try await services.accounts.info(account),
                                           self: members.first { $0.relation == "self" }))
        }
        router.post("sms-codes") { request, context in
            let (account, _) = try await services.resident(request)
            let body = try await request.json(SMSBody.self, context: context)
            guard (body.purpose ?? "real_name") == "real_name" else {
                throw AppError.invalid("purpose_invalid", "The only purpose a resident requests codes for is real_name.")
            }
            let sent = try await services.codes.send(to: try PhoneNumber(body.phone), purpose: "real_name", requester: account.id)
            return JSONResponse(sent, status: .accepted)
        }
        router.post("me/real-name") { request, context in
            let (account, _) = try await services.resident(request)
            let body = try await request.json(RealNameBody.self, context: context)
            let member = try await services.family.registerRealName(
                accountID: account.id, name: body.name, idNumber: body.idNumber, phone: body.phone, smsCode: body.smsCode)
            return JSONResponse(MemberEnvelope(member: member), status: .created)
        }
        router.get("family-members") { request, _ in
            let (account, _) = try await services.resident(request)
            return JSONResponse(MembersEnvelope(members: try await services.family.members(accountID: account.id)))
        }
        router.post("family-members") { request, context in
            let (account, _) = try await services.resident(request)
            let body = try await request.json(AddMemberBody.self, context: context)
            let member = try await services.family.addMember(
                accountID: account.id, name: body.name, idNumber: body.idNumber, relation: body.relation, phone: body.phone)
            return JSONResponse(MemberEnvelope(member: member), status: .created)
        }
        router.get("family-members/:member") { request, context in
            let (account, _) = try await services.resident(request)
            let member = try await services.family.memberResponse(accountID: account.id, memberID: try context.member())
            return JSONResponse(MemberEnvelope(member: member))
        }
        router.patch("family-members/:member") { request, context in
            let (account, _) = try await services.resident(request)
            let body = try await request.json(UpdateMemberBody.self, context: context)
            let member = try await services.family.update(accountID: account.id, memberID: try context.member(),
                                                          relation: body.relation, phone: body.phone)
            return JSONResponse(MemberEnvelope(member: member))
        }
        router.delete("family-members/:member") { request, context in
            let (account, _) = try await services.resident(request)
            try await services.family.remove(accountID: account.id, memberID: try context.member())
            return Response(status: .noContent)
        }
        router.post("family-members/:member/default") { request, context in
            let (account, _) = try await services.resident(request)
            let member = try await services.family.setDefault(accountID: account.id, memberID: try context.member())
            return JSONResponse(MemberEnvelope(member: member))
        }
    }
}

extension RequestContext {
    func member() throws -> String {
        guard let id = parameters.get("member"), id.hasPrefix("mem_") else {
            throw AppError.notFound("family_member_not_found", "No such family member in this account.")
        }
        return id
    }
}
