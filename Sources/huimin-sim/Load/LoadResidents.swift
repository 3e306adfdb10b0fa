import Foundation
import HuiminCore

/// Registers residents the way the mini-program does: a WeChat login code from the sandbox,
/// an SMS code read from the sandbox's inbox, real-name registration, then relatives. ID numbers
/// are synthetic but valid (GB 11643 check character) and distinct within a run; a random
/// starting birth date and phone block keep separate runs on one server apart.
struct LoadResidents: Sendable {
    let client: LoadClient
    /// Days after 1960-01-01 of the first birth date handed out.
    let birthBase: Int
    /// First phone number (as 8 digits after the 13x prefix).
    let phoneBase: Int
    let family: Int

    static let surnames = Array("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许")
    static let givenNames = Array("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚")
    static let relations = ["spouse", "parent", "parent", "child"]

    init(client: LoadClient, family: Int) {
        self.client = client
        self.family = family
        birthBase = Int.random(in: 0..<9000)
        phoneBase = Int.random(in: 0..<90_000_000)
    }

    /// Person `index` of the run: a distinct valid ID number and a name. 500 numbers per birth
    /// date (odd sequence numbers: men), so a run of thousands spans a few weeks of birthdays.
    func person(_ index: Int) -> (name: String, idNumber: String) {
        let base = BusinessCalendar.instant(day: "1960-01-01", minutes: 12 * 60)!
        let born = BusinessCalendar.calendar.date(byAdding: .day, value: birthBase + index / 500, to: base)!
        let body = "110105" + BusinessCalendar.day(of: born).replacingOccurrences(of: "-", with: "")
            + String(format: "%03d", (index % 500) * 2 + 1)
        let name = String([Self.surnames[index % Self.surnames.count], Self.givenNames[(index / Self.surnames.count) % Self.givenNames.count]])
        return (name, body + String(IDCardNumber.checkCharacter(for: body)))
    }

    func register(_ index: Int) async throws -> LoadPlan.Resident {
        let code = try await client.sandbox("POST", "/sandbox/wechat/codes", body: .object([:])).require("code", "a WeChat login code")
        let token = try await client.api("POST", "/api/v1/auth/wechat", token: nil, body: .object(["code": .string(code)]))
            .require("token", "a session token")
        let phone = "137" + String(format: "%08d", (phoneBase + index) % 100_000_000)
        let requested = await client.api("POST", "/api/v1/sms-codes", token: token,
                                         body: .object(["phone": .string(phone), "purpose": .string("real_name")]))
        guard requested.isSuccess else { throw SimFailure("SMS code request answered \(requested.code)") }
        let smsCode = try await readSMS(phone: phone)
        let me = person(index * family)
        let member = try await client.api("POST", "/api/v1/me/real-name", token: token, body: .object([
            "name": .string(me.name), "idNumber": .string(me.idNumber), "phone": .string(phone), "smsCode": .string(smsCode),
        ])).require("member.id", "the self member")
        var members = [member]
        for relative in 1..<max(family, 1) {
            let other = person(index * family + relative)
            members.append(try await client.api("POST", "/api/v1/family-members", token: token, body: .object([
                "name": .string(other.name), "idNumber": .string(other.idNumber),
                "relation": .string(Self.relations[(relative - 1) % Self.relations.count]),
            ])).require("member.id", "a family member"))
        }
        return LoadPlan.Resident(token: token, members: members)
    }

    /// Delivery may go through the outbox worker: poll the sandbox inbox for up to 20 s.
    private func readSMS(phone: String) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let inbox = await client.sandbox("GET", "/sandbox/sms/messages?phone=\(phone)")
            if let code = inbox.json?.at("messages[0].params.code")?.stringValue { return code }
            try await Task.sleep(for: .milliseconds(150))
        }
        throw SimFailure("no SMS code reached the sandbox for a load resident within 20 s")
    }
}
