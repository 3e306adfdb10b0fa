/// The menu loop. Every API error is shown as "code: message (HTTP status)"; a failed step
/// returns to the menu instead of ending the session.
final class InteractiveSession {
    let connection: SimConnection
    var transcript: Transcript { connection.transcript }
    /// The last QR payload shown, offered as the default when verifying at a terminal.
    var lastPayload: String?

    init(connection: SimConnection) {
        self.connection = connection
    }

    func run() async throws {
        Console.line("Huimin simulator — server \(connection.serverURL), sandbox \(connection.sandboxURL)")
        let entries: [(String, () async throws -> Void)] = [
            ("Log in with WeChat", { try await self.logInWithWeChat() }),
            ("Log in with Alipay", { try await self.logInWithAlipay() }),
            ("Real-name registration (SMS code)", { try await self.registerRealName() }),
            ("Family members", { try await self.familyMenu() }),
            ("E-health card and QR code", { try await self.cardMenu() }),
            ("Hospital patient cards", { try await self.patientCardMenu() }),
            ("Act as a hospital terminal: verify a QR payload", { try await self.verifyAsTerminal() }),
            ("Book an appointment (browse or search)", { try await self.browseAndBook() }),
            ("My bookings: cancel, check in, queue", { try await self.myBookings() }),
            ("Act as the hospital: schedules, suspension, queue calls", { try await self.clinicMenu() }),
            ("Messages: inbox, what WeChat and the SMS gateway received", { try await self.messagesMenu() }),
            ("Sandbox faults", { try await self.faultMenu() }),
            ("Log out", { try await self.logOut() }),
        ]
        while true {
            Console.line("\n" + (connection.token == nil ? "Not logged in." : "Logged in."))
            guard let choice = try Prompt.menu("Main menu", entries.map(\.0), back: "Quit") else { return }
            do {
                try await entries[choice].1()
            } catch let failure as SimFailure {
                transcript.failed(failure.description)
            }
        }
    }

    /// Prints the outcome of a call; returns whether it succeeded.
    @discardableResult
    func show(_ response: SimResponse) -> Bool {
        if response.isSuccess {
            transcript.passed("HTTP \(response.status)")
        } else {
            transcript.failed(response.errorLine)
        }
        return response.isSuccess
    }

    private func logInWithWeChat() async throws {
        let openid = try Prompt.optional("openid (a fresh one if empty)")
        show(try await connection.wechatLogin(openid: openid))
    }

    private func logInWithAlipay() async throws {
        let userID = try Prompt.optional("Alipay userId (a fresh one if empty)")
        show(try await connection.alipayLogin(userID: userID))
    }

    private func logOut() async throws {
        if show(try await connection.logout()) { connection.token = nil }
    }

    private func registerRealName() async throws {
        let phone = try Prompt.require("Phone")
        let (requested, delivered) = try await connection.requestSMSCode(phone: phone)
        guard show(requested) else { return }
        let smsCode = try await askSMSCode(delivered: delivered)
        let name = try Prompt.require("Name")
        let idNumber = try Prompt.require("ID number")
        let response = try await connection.realName(name: name, idNumber: idNumber, phone: phone, smsCode: smsCode)
        if show(response), let member = response.json?.at("member") { printMember(member) }
    }

    /// The SMS code as the resident types it, or the one the sandbox received, on request.
    func askSMSCode(delivered: String?) async throws -> String {
        if let delivered, try Prompt.confirm("Use the code the sandbox SMS inbox received (\(delivered))?") {
            return delivered
        }
        return try Prompt.require("SMS code")
    }

    private func faultMenu() async throws {
        guard let choice = try Prompt.menu("Sandbox faults", ["Make a vendor fail", "Clear all faults"]) else { return }
        if choice == 1 {
            show(try await connection.clearFaults())
            return
        }
        guard let service = try Prompt.menu("Which vendor?", SimConnection.faultServices),
              let kind = try Prompt.menu("How?", SimConnection.faultKinds) else { return }
        let errorCode = try Prompt.optional("Vendor error code")
        let times = Int(try Prompt.ask("For how many calls (empty: until cleared)"))
        show(try await connection.injectFault(service: SimConnection.faultServices[service], kind: SimConnection.faultKinds[kind],
                                              errorCode: errorCode, times: times))
    }
}
