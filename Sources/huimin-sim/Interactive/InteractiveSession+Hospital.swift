/// Hospital-side screens: patient cards (就诊卡) and a terminal verifying a card code.
extension InteractiveSession {
    func patientCardMenu() async throws {
        guard let member = try await chooseMember() else { return }
        let entries = ["List bound cards", "Look up records at a hospital", "Bind a record", "Open a new record (建档) and bind",
                       "Unbind"]
        while let choice = try Prompt.menu("Hospital patient cards", entries) {
            if choice == 0 {
                show(try await connection.patientCards(member))
                continue
            }
            let hospital = try Prompt.require("Hospital code", default: "H0001")
            switch choice {
            case 1: show(try await connection.lookUpPatientRecords(member, hospital: hospital))
            case 2:
                let patientID = try Prompt.require("Patient ID")
                show(try await connection.bindPatientCard(member, hospital: hospital, patientID: patientID))
            case 3: show(try await connection.createPatientCard(member, hospital: hospital))
            default: show(try await connection.unbindPatientCard(member, hospital: hospital))
            }
        }
    }

    /// A static code answers 428 first; the terminal then asks the holder for the SMS code that
    /// the server just sent and repeats the call with it.
    func verifyAsTerminal() async throws {
        let payload = try Prompt.require("QR payload", default: lastPayload)
        let terminal = try Prompt.require("Terminal ID", default: "SIM-TERMINAL-01")
        let step = try Prompt.optional("Medical step (e.g. 0101011)")
        var response = try await connection.verify(payload: payload, terminalID: terminal, medicalStep: step, smsCode: nil)
        if response.errorCode == "static_code_sms_required" {
            transcript.note(response.errorLine)
            let phone = try Prompt.require("Holder's phone (to read the sandbox SMS)")
            let smsCode = try await askSMSCode(delivered: try await connection.nextSMSCode(phone: phone))
            response = try await connection.verify(payload: payload, terminalID: terminal, medicalStep: step, smsCode: smsCode)
        }
        guard show(response), let verified = response.json else { return }
        for field in ["codeType", "name", "idNumber", "sex", "birthYear", "hospitalCode", "patientCardNumber", "verifiedAt"] {
            transcript.note("\(field): \(verified.at(field)?.text ?? "-")")
        }
    }
}
