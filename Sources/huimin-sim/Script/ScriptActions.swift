import Foundation

/// What each script command does. Values are expanded from the variables first; the outcome
/// carries the response the next `expect` checks and the value `-> var` saves.
struct ScriptActions {
    struct Outcome {
        var response: SimResponse?
        var value: String?
        var assignments: [(String, String)] = []
    }

    let connection: SimConnection
    let transcript: Transcript
    let variables: [String: String]
    let last: SimResponse?

    func perform(_ statement: ScriptStatement) async throws -> Outcome {
        let arguments = try statement.arguments.map { word throws(SimFailure) in try Interpolation.expand(word, variables) }
        var options: [String: String] = [:]
        for (key, value) in statement.options { options[key] = try Interpolation.expand(value, variables) }
        let first = arguments.first ?? ""

        switch statement.command {
        case "wechat-login":
            return saving(try await connection.wechatLogin(openid: options["openid"]), "account.id")
        case "alipay-login":
            return saving(try await connection.alipayLogin(userID: options["user"]), "account.id")
        case "logout":
            return Outcome(response: try await connection.logout())
        case "me":
            return saving(try await connection.api("GET", "/api/v1/me"), "self.id")
        case "sms-code":
            let (response, code) = try await connection.requestSMSCode(phone: options["phone"]!, purpose: options["purpose"] ?? "real_name")
            return Outcome(response: response, value: code)
        case "sms-inbox":
            return Outcome(value: try await connection.nextSMSCode(phone: options["phone"]!))
        case "real-name":
            return saving(try await connection.realName(name: options["name"]!, idNumber: options["id"]!,
                                                        phone: options["phone"]!, smsCode: options["sms"]!), "member.id")
        case "members":
            return Outcome(response: try await connection.members())
        case "add-member":
            return saving(try await connection.addMember(name: options["name"]!, idNumber: options["id"]!,
                                                         relation: options["relation"]!, phone: options["phone"]), "member.id")
        case "update-member":
            return Outcome(response: try await connection.updateMember(first, relation: options["relation"], phone: options["phone"]))
        case "remove-member":
            return Outcome(response: try await connection.removeMember(first))
        case "default-member":
            return Outcome(response: try await connection.setDefaultMember(first))
        case "card":
            return saving(try await connection.card(first), "card.cardId")
        case "qr":
            return showingCode(try await connection.qr(first))
        case "qr-file":
            return try await download(member: first, to: arguments[1])
        case "static-code":
            return showingCode(try await connection.issueStaticCode(first))
        case "revoke-static-code":
            return Outcome(response: try await connection.revokeStaticCode(first))
        case "patient-cards":
            return Outcome(response: try await connection.patientCards(first))
        case "patient-lookup":
            return saving(try await connection.lookUpPatientRecords(first, hospital: options["hospital"]!), "records[0].patientId")
        case "patient-bind":
            return saving(try await connection.bindPatientCard(first, hospital: options["hospital"]!, patientID: options["patient"]!),
                          "card.cardNumber")
        case "patient-create":
            return saving(try await connection.createPatientCard(first, hospital: options["hospital"]!), "card.cardNumber")
        case "patient-unbind":
            return Outcome(response: try await connection.unbindPatientCard(first, hospital: options["hospital"]!))
        case "terminal-verify":
            return saving(try await connection.verify(payload: first, terminalID: options["terminal"] ?? "SIM-TERMINAL-01",
                                                      medicalStep: options["step"], smsCode: options["sms"]), "cardId")
        case "tamper":
            return Outcome(value: TestData.tampered(first))
        case "fault":
            return try await fault(arguments, options)
        case "request":
            return try await request(try Interpolation.expand(statement.rest, variables))
        case "save":
            return try save(arguments)
        case "set":
            return Outcome(assignments: options.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        case "default":
            return Outcome(assignments: options.filter { variables[$0.key] == nil }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        case "echo":
            transcript.note(try Interpolation.expand(statement.rest, variables))
            return Outcome()
        case "random-phone":
            var generator = SystemRandomNumberGenerator()
            return Outcome(value: TestData.phone(using: &generator))
        case "random-id":
            return Outcome(value: try randomID(options))
        case "sleep":
            guard let seconds = Double(first), seconds >= 0 else { throw SimFailure("sleep takes seconds") }
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return Outcome()
        default:
            if let outcome = try await performAppointment(statement, arguments, options) { return outcome }
            if let outcome = try await performPayment(statement, arguments, options) { return outcome }
            if let outcome = try await performBilling(statement, arguments, options) { return outcome }
            if let outcome = try await performMessaging(statement, arguments, options) { return outcome }
            if let outcome = try await performECG(statement, arguments, options) { return outcome }
            if let outcome = try await performFilms(statement, arguments, options) { return outcome }
            throw SimFailure("\(statement.command) cannot run here")
        }
    }

    func saving(_ response: SimResponse, _ path: String) -> Outcome {
        Outcome(response: response, value: response.isSuccess ? response.json?.at(path)?.text : nil)
    }

    private func showingCode(_ response: SimResponse) -> Outcome {
        guard response.isSuccess, let payload = response.json?.at("payload")?.stringValue else { return Outcome(response: response) }
        transcript.qrCode(payload)
        if let expiresAt = response.json?.at("expiresAt")?.stringValue {
            transcript.note("expires at \(expiresAt)")
        }
        return Outcome(response: response, value: payload)
    }

    private func download(member: String, to file: String) async throws -> Outcome {
        let formats: [String: SimConnection.QRFormat] = ["png": .png, "svg": .svg, "txt": .text]
        guard let format = formats[URL(fileURLWithPath: file).pathExtension.lowercased()] else {
            throw SimFailure("qr-file writes .png, .svg or .txt")
        }
        let response = try await connection.qrImage(member, format: format)
        if response.isSuccess {
            try Data(response.body).write(to: URL(fileURLWithPath: file))
            transcript.note("saved \(response.body.count) bytes to \(file)")
        }
        return Outcome(response: response)
    }

    private func fault(_ arguments: [String], _ options: [String: String]) async throws -> Outcome {
        if arguments == ["clear"] { return Outcome(response: try await connection.clearFaults()) }
        guard arguments.count == 2, SimConnection.faultServices.contains(arguments[0]), SimConnection.faultKinds.contains(arguments[1]) else {
            throw SimFailure("fault <\(SimConnection.faultServices.joined(separator: "|"))> <\(SimConnection.faultKinds.joined(separator: "|"))>, or fault clear")
        }
        let times = try options["times"].map { text throws(SimFailure) in
            guard let count = Int(text), count > 0 else { throw SimFailure("times= takes a positive number") }
            return count
        }
        return Outcome(response: try await connection.injectFault(service: arguments[0], kind: arguments[1],
                                                                  errorCode: options["code"], times: times))
    }

    /// `request METHOD /path [json]`: the resident API with the session token, or the sandbox
    /// for `/sandbox/…` paths.
    private func request(_ text: String) async throws -> Outcome {
        let parts = text.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 2, parts[1].hasPrefix("/") else { throw SimFailure("usage: request METHOD /path [json]") }
        let method = parts[0].uppercased()
        var body: [UInt8]?
        if parts.count == 3 {
            guard JSONValue.parse(parts[2]) != nil else { throw SimFailure("the request body is not valid JSON") }
            body = Array(parts[2].utf8)
        }
        let response: SimResponse
        if parts[1].hasPrefix("/sandbox/") {
            response = try await connection.send(method, parts[1], body: body, to: .sandbox, headers: [])
        } else {
            response = try await connection.send(method, parts[1], body: body, to: .server,
                                                 headers: connection.token.map { [("Authorization", "Bearer \($0)")] } ?? [])
        }
        return Outcome(response: response, value: response.isSuccess ? response.text : nil)
    }

    private func save(_ arguments: [String]) throws(SimFailure) -> Outcome {
        guard arguments.count == 2, arguments[0] == "json" else { throw SimFailure("usage: save json PATH -> var") }
        guard let last else { throw SimFailure("there is no response to save from yet") }
        guard let value = last.json?.at(arguments[1]) else { throw SimFailure("the last response has no \(arguments[1])") }
        return Outcome(value: value.text)
    }

    private func randomID(_ options: [String: String]) throws(SimFailure) -> String {
        var generator = SystemRandomNumberGenerator()
        let born = options["born"] ?? TestData.birthDate(using: &generator)
        guard born.range(of: #"^\d{4}-?\d{2}-?\d{2}$"#, options: .regularExpression) != nil else {
            throw SimFailure("born= is YYYY-MM-DD")
        }
        let region = options["region"] ?? "110105"
        guard region.count == 6, region.allSatisfy(\.isNumber) else { throw SimFailure("region= is 6 digits") }
        guard let sex = options["sex"] ?? ["male", "female"].randomElement(), ["male", "female"].contains(sex) else {
            throw SimFailure("sex= is male or female")
        }
        return TestData.idNumber(region: region, birthDate: born, female: sex == "female", using: &generator)
    }
}
