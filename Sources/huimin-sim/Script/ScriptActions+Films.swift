import Foundation

extension ScriptActions {
    func performFilms(_ statement: ScriptStatement, _ arguments: [String], _ options: [String: String]) async throws -> Outcome? {
        let first = arguments.first ?? ""
        let second = arguments.count > 1 ? arguments[1] : ""
        let member = "/api/v1/family-members/\(first.urlQueryEncoded)"
        switch statement.command {
        case "dicom-upload":
            return try await dicomUpload(first, hospital: options["hospital"] ?? variables["hospital"] ?? "H0001")
        case "reports":
            let kind = options["kind"].map { "?kind=\($0.urlQueryEncoded)" } ?? ""
            let response = try await connection.api("GET", "\(member)/reports\(kind)")
            guard case .array(let reports)? = response.json?.at("reports") else { return Outcome(response: response) }
            return Outcome(response: response, value: "\(reports.count)")
        case "films":
            return saving(try await connection.api("GET", "\(member)/studies"), "studies[0].studyUid")
        case "film":
            let response = try await connection.api("GET", "\(member)/studies/\(second.urlQueryEncoded)")
            guard response.isSuccess, case .array(let series)? = response.json?.at("series") else { return Outcome(response: response) }
            var links = series.compactMap { $0.at("thumbnail")?.stringValue }
            if case .array(let key)? = response.json?.at("keyImages") { links += key.compactMap { $0.at("thumbnail")?.stringValue } }
            let fetched = try await images(links, headers: connection.token.map { [("Authorization", "Bearer \($0)")] } ?? [])
            return Outcome(response: response, value: "\(fetched)")
        case "share":
            var body: [String: JSONValue] = [:]
            if let days = options["days"] { body["expiresInDays"] = .number(Double(try Self.integer(days, "days"))) }
            if let code = options["code"] { body["accessCode"] = .string(code) }
            let response = try await connection.api("POST", "\(member)/studies/\(second.urlQueryEncoded)/shares", .object(body))
            return saving(response, "share.url")
        case "share-open":
            return try await shareOpen(first, code: options["code"])
        case "share-revoke":
            return Outcome(response: try await connection.api("DELETE", "\(member)/shares/\(second.urlQueryEncoded)"))
        case "share-log":
            let response = try await connection.api("GET", "\(member)/shares/\(second.urlQueryEncoded)/openings")
            guard case .array(let openings)? = response.json?.at("openings") else { return Outcome(response: response) }
            return Outcome(response: response, value: "\(openings.count)")
        default:
            return nil
        }
    }

    /// One request per file, each a whole DICOM file, as a PACS forwarding a study does.
    private func dicomUpload(_ path: String, hospital: String) async throws -> Outcome {
        guard let staffToken = connection.staffToken else { throw SimFailure("no staff session: run staff-login first") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw SimFailure("no such file: \(path)") }
        let files = isDirectory.boolValue
            ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { "\(path)/\($0)" } : [path]
        var last: SimResponse?
        var studyUID: String?
        for file in files {
            guard let bytes = FileManager.default.contents(atPath: file) else { throw SimFailure("cannot read \(file)") }
            let response = try await connection.send("POST", "/api/v1/staff/imaging/uploads", body: [UInt8](bytes), to: .server, headers: [
                ("Authorization", "Bearer \(staffToken)"), ("Content-Type", "application/dicom"), ("X-Huimin-Hospital", hospital),
            ])
            last = response
            guard response.isSuccess else { return Outcome(response: response) }
            studyUID = studyUID ?? response.json?.at("received[0].studyUID")?.stringValue
        }
        return Outcome(response: last, value: studyUID)
    }

    /// Opens a share as a doctor's browser would: no account, the access code if asked, then the
    /// images with the cookie the share set.
    private func shareOpen(_ link: String, code: String?) async throws -> Outcome {
        guard let range = link.range(of: "/s/") else { throw SimFailure("a share link has /s/ in it: \(link)") }
        let path = String(link[range.lowerBound...])
        let body = JSONValue.object(code.map { ["code": .string($0)] } ?? [:])
        let response = try await connection.send("POST", "\(path)/open", body: body.bytes, to: .server, headers: [])
        guard response.isSuccess, case .array(let series)? = response.json?.at("series") else { return Outcome(response: response) }
        let cookie = response.headers.first { $0.key.lowercased() == "set-cookie" }?.value.split(separator: ";").first.map(String.init)
        let fetched = try await images(series.compactMap { $0.at("thumbnail")?.stringValue }, headers: cookie.map { [("Cookie", $0)] } ?? [])
        return Outcome(response: response, value: "\(fetched)")
    }

    /// Fetches images and checks each is a JPEG; a failure stops the script.
    private func images(_ links: [String], headers: [(String, String)]) async throws -> Int {
        for link in links {
            let image = try await connection.send("GET", link, body: nil, to: .server, headers: headers, reported: false)
            guard image.isSuccess, image.body.starts(with: [0xFF, 0xD8, 0xFF]) else {
                throw SimFailure("GET \(link) gave \(image.status), not a JPEG: \(image.text.prefix(200))")
            }
        }
        transcript.note("\(links.count) image(s), all JPEG")
        return links.count
    }
}
