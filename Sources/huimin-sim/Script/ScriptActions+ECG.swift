import Foundation

extension ScriptActions {
    func performECG(_ statement: ScriptStatement, _ arguments: [String], _ options: [String: String]) async throws -> Outcome? {
        let first = arguments.first ?? ""
        let hospital = options["hospital"] ?? variables["hospital"] ?? "H0001"
        switch statement.command {
        case "ecg-cart":
            let response = try await connection.staff("POST", "/api/v1/staff/ecg-devices", .object([
                "deviceCode": .string(first), "hospitalCode": .string(hospital), "model": .string(options["model"] ?? "sim cart"),
            ]))
            if response.isSuccess, let key = response.json?.at("apiKey")?.stringValue, let secret = response.json?.at("apiSecret")?.stringValue {
                connection.cartSigner = RequestSigner(apiKey: key, apiSecret: secret)
            }
            return saving(response, "deviceCode")
        case "alert-contact":
            return saving(try await connection.staff("POST", "/api/v1/staff/alert-contacts", .object([
                "hospitalCode": .string(hospital), "role": .string(first), "label": .string(options["label"] ?? "sim"),
                "phone": .string(options["phone"] ?? ""),
            ])), "id")
        case "ecg-upload":
            guard var file = FileManager.default.contents(atPath: first).map({ [UInt8]($0) }) else { throw SimFailure("cannot read \(first)") }
            let type = first.hasSuffix(".dcm") ? "application/dicom" : first.hasSuffix(".xml") ? "application/xml" : "application/json"
            if let patient = options["patient"] {
                guard type == "application/json", case .object(var object)? = JSONValue.parse(String(decoding: file, as: UTF8.self)) else {
                    throw SimFailure("patient= replaces the patient of a JSON ECG only")
                }
                object["patient"] = .object(["id": .string(patient)])
                file = JSONValue.object(object).bytes
            }
            return saving(try await connection.cart("/integration/v1/ecg", file: file, contentType: type), "id")
        case "ecg-queue":
            return saving(try await connection.staff("GET", "/api/v1/staff/ecg/queue"), "recordings[0].id")
        case "ecg-report":
            return Outcome(response: try await connection.integration("POST", "/integration/v1/ecg/\(first.urlQueryEncoded)/report", .object([
                "doctorCode": .string(options["doctor"] ?? ""), "diagnosis": .string(options["diagnosis"] ?? ""),
            ])))
        case "ecgs":
            let response = try await connection.api("GET", "/api/v1/family-members/\(first.urlQueryEncoded)/ecgs")
            guard case .array(let recordings)? = response.json?.at("recordings") else { return Outcome(response: response) }
            return Outcome(response: response, value: "\(recordings.count)")
        case "wait-sms":
            // The dispatcher sends in the background: look quietly until something arrived, then show it.
            let deadline = Date().addingTimeInterval(TimeInterval(try Self.integer(options["seconds"] ?? "20", "seconds")))
            let path = "/sandbox/sms/messages?phone=\(first.urlQueryEncoded)"
            while Date() < deadline {
                let quiet = try await connection.send("GET", path, body: nil, to: .sandbox, headers: [], reported: false)
                guard case .array(let messages)? = quiet.json?.at("messages") else { break }
                if messages.contains(where: { options["template"] == nil || $0.at("templateCode")?.stringValue == options["template"] }) { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            return shown(try await connection.sandbox("GET", path), templateKey: "templateCode", template: options["template"])
        default:
            return nil
        }
    }
}
