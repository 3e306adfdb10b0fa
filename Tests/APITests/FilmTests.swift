import Foundation
import HTTPTypes
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Reconciliation
import TestSupport
import Testing

/// Films (云胶片) as a resident opens them in the mini-program, and the shares they hand to doctors.
@Suite("Films and shares")
struct FilmTests {
    typealias F = FilmFixture

    /// A card holder whose CT study and its report are in; the files as stowed.
    static func holderWithStudy(_ h: TestHarness, _ client: any TestClientProtocol) async throws -> (Resident, [[UInt8]]) {
        let (resident, terminal) = try await ReportFixture.cardHolder(h, client)
        let files = try F.files()
        try await F.stow(client, h, files: files)
        let published = try await ReportFixture.publish(client, h, terminal, "CT-77", F.report())
        #expect(published.status == 201, "\(published.body)")
        return (resident, files)
    }

    static func isJPEG(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0xFF, 0xD8, 0xFF]) }

    @Test("A family member's study opens as a film: series, counts, key images first, report, presets, pages, images, zip")
    func aStudyOpensAsAFilm() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, files) = try await Self.holderWithStudy(h, client)
                let listed = try await client.call(.get, F.path(resident), token: resident.token)
                #expect(listed.status == 200, "\(listed.body)")
                let studies = listed["studies"] as? [[String: any Sendable]] ?? []
                #expect(studies.count == 1)
                let summary = try #require(studies.first)
                #expect(summary["studyUid"] as? String == F.studyUID)
                #expect(summary["date"] as? String == "2026-11-28" && summary["time"] as? String == "10:15:00")
                #expect(summary["patientName"] as? String == "张*", "names are masked on films")
                #expect(summary["imageCount"] as? Int == 4 && summary["seriesCount"] as? Int == 2)
                let listThumb = try #require(summary["thumbnail"] as? String)
                #expect(Self.isJPEG(try await client.call(.get, listThumb, token: resident.token).raw))

                let page = try await client.call(.get, F.path(resident, "/\(F.studyUID)"), token: resident.token)
                #expect(page.status == 200, "\(page.body)")
                let series = page["series"] as? [[String: any Sendable]] ?? []
                // Series in their number order: the scout (1) before the axial images (2).
                #expect(series.map { $0["description"] as? String } == ["Scout", "Axial"])
                #expect(series.map { $0["imageCount"] as? Int } == [1, 3])
                let axial = series[1]["images"] as? [[String: any Sendable]] ?? []
                #expect(axial.map { $0["number"] as? Int } == [1, 2, 3])
                #expect(series[1]["nextCursor"] == nil)
                // Key images as the report lists them; a UID the study lacks is left out.
                let key = page["keyImages"] as? [[String: any Sendable]] ?? []
                #expect(key.map { $0["sopInstanceUid"] as? String } == [F.image(F.scout, 1), F.image(F.axial, 2)])
                #expect(page.object("report")["impression"] as? String == "右肺上叶小结节，建议随访。")
                #expect(page["presets"] as? [String] == ["lung", "mediastinum", "bone", "brain", "abdomen"])
                // The report leads to its film.
                let reports = try await ReportFixture.timeline(client, resident, query: "?kind=exam")
                #expect(reports.first?["filmUrl"] as? String == F.path(resident, "/\(F.studyUID)"))

                let image = try #require(axial.first)
                let preview = try await client.call(.get, try #require(image["preview"] as? String), token: resident.token)
                #expect(preview.status == 200 && preview.headers[.contentType] == "image/jpeg" && Self.isJPEG(preview.raw))
                let thumbnail = try await client.call(.get, try #require(image["thumbnail"] as? String), token: resident.token)
                // CT_small is 128 px: both sizes are the image itself, never upscaled.
                #expect(thumbnail.status == 200 && Self.isJPEG(thumbnail.raw))
                let lung = try await client.call(.get, "\(image["preview"] as! String)&preset=lung&frame=1", token: resident.token)
                #expect(lung.status == 200 && Self.isJPEG(lung.raw) && lung.raw != preview.raw, "a window changes the picture")
                let download = try await client.call(.get, "\(image["preview"] as! String)&download=1", token: resident.token)
                #expect(download.headers[.contentDisposition]?.hasPrefix("attachment") == true)

                // Paging through a series.
                let first = try await client.call(.get, F.path(resident, "/\(F.studyUID)/series/\(F.axial)/images?limit=2"),
                                                  token: resident.token)
                #expect((first["images"] as? [Any])?.count == 2)
                let cursor = try #require(first["nextCursor"] as? String)
                let second = try await client.call(.get, F.path(resident, "/\(F.studyUID)/series/\(F.axial)/images?limit=2&cursor=\(cursor)"),
                                                   token: resident.token)
                #expect((second["images"] as? [[String: any Sendable]])?.map { $0["number"] as? Int } == [3])
                #expect(second["nextCursor"] == nil)

                // The originals, byte for byte, one folder per series.
                let zip = try await client.call(.get, try #require(page["download"] as? String), token: resident.token)
                #expect(zip.status == 200 && zip.headers[.contentType] == "application/zip")
                let entries = try ZipArchive.entries(zip.raw)
                #expect(entries.map(\.name).sorted() == ["1-CT/0001.dcm", "2-CT/0001.dcm", "2-CT/0002.dcm", "2-CT/0003.dcm"])
                let stored = try Set(entries.map { try ZipArchive.extract($0, from: zip.raw) })
                #expect(stored == Set(files))
            }
        }
    }

    @Test("Films are only the family's own: other accounts, other members, other studies' images and bad parameters are refused")
    func accessToFilms() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, _) = try await Self.holderWithStudy(h, client)
                let stranger = try await Resident.register(h, client, phone: "13900139000", idNumber: "110105198001010016", name: "李四",
                                                           openid: "stranger")
                let path = F.path(resident, "/\(F.studyUID)")
                #expect(try await client.call(.get, path, token: stranger.token).errorCode == "family_member_not_found")
                #expect(try await client.call(.get, F.path(stranger, "/\(F.studyUID)"), token: stranger.token).errorCode == "study_not_found")
                #expect(try await client.call(.get, F.path(stranger), token: stranger.token)["studies"] as? [Any] != nil)
                #expect((try await client.call(.get, F.path(stranger), token: stranger.token)["studies"] as? [Any])?.isEmpty == true)
                #expect(try await client.call(.get, path, token: nil).status == 401)

                // A study of another patient, stowed at the same hospital.
                try await F.stow(client, h, files: try F.files(patientID: "P-OTHER", studyUID: "1.2.826.0.1.3680043.8.78"))
                #expect(try await client.call(.get, F.path(resident, "/1.2.826.0.1.3680043.8.78"), token: resident.token)
                    .errorCode == "study_not_found")
                let foreign = try await client.call(.get, "\(path)/images/1.2.826.0.1.3680043.8.78.1.1", token: resident.token)
                #expect(foreign.status == 404 && foreign.errorCode == "image_not_found")
                let image = "\(path)/images/\(F.image(F.axial, 1))"
                #expect(try await client.call(.get, "\(image)?preset=liver", token: resident.token).errorCode == "preset_unknown")
                #expect(try await client.call(.get, "\(image)?frame=0", token: resident.token).errorCode == "frame_invalid")
                #expect(try await client.call(.get, "\(image)?frame=9", token: resident.token).errorCode == "frame_not_found")
                #expect(try await client.call(.get, "\(image)?size=huge", token: resident.token).errorCode == "size_invalid")
                #expect(try await client.call(.get, "\(path)/series/\(F.axial)/images?cursor=x", token: resident.token)
                    .errorCode == "cursor_invalid")
                #expect(try await client.call(.get, "\(path)/series/1.2.3/images", token: resident.token).errorCode == "series_not_found")
            }
        }
    }

    static func share(_ client: any TestClientProtocol, _ resident: Resident, json: String? = nil) async throws -> [String: any Sendable] {
        let created = try await client.call(.post, F.path(resident, "/\(F.studyUID)/shares"), token: resident.token, json: json)
        #expect(created.status == 201, "\(created.body)")
        return created.object("share")
    }

    static func token(_ share: [String: any Sendable]) -> String {
        String((share["url"] as? String ?? "").split(separator: "/").last ?? "")
    }

    static let visitor: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "203.0.113.45", .userAgent: "Mozilla/5.0 MicroMessenger/8.0"]

    static func open(_ client: any TestClientProtocol, _ token: String, code: String? = nil) async throws -> APIResult {
        try await client.call(.post, "/s/\(token)/open", json: code.map { #"{"code":"\#($0)"}"# } ?? "{}", headers: visitor)
    }

    static func cookie(_ opened: APIResult) -> HTTPFields {
        let value = (opened.headers[.setCookie] ?? "").split(separator: ";").first.map(String.init) ?? ""
        return [.cookie: value]
    }

    @Test("A share opens its study and nothing else, through a cookie of its own, until it is revoked; every opening is logged")
    func aShareOpensOneStudy() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, _) = try await Self.holderWithStudy(h, client)
                let share = try await Self.share(client, resident)
                let url = try #require(share["url"] as? String)
                #expect(url.hasPrefix("http://127.0.0.1:") && url.contains("/s/"))
                #expect((share["qrSvg"] as? String)?.contains("<svg") == true)
                #expect(share["state"] as? String == "active" && share["hasAccessCode"] as? Int == 0)
                let expires = try #require(ISO8601.date(share["expiresAt"] as? String ?? ""))
                #expect(abs(expires.timeIntervalSince(h.clock.now()) - 7 * 86_400) < 5, "a week unless told")
                let qr = try await client.call(.get, try #require(share["qrPng"] as? String), token: resident.token)
                #expect(qr.headers[.contentType] == "image/png")
                #expect(try await PythonDecoder.decode(png: qr.raw) == url, "the printed slip's QR code leads to the link")
                let token = Self.token(share)

                let page = try await client.call(.get, "/s/\(token)")
                #expect(page.status == 200 && page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(try await client.call(.get, "/s/\(token)/study").errorCode == "share_session_required")

                let opened = try await Self.open(client, token)
                #expect(opened.status == 200, "\(opened.body)")
                let setCookie = try #require(opened.headers[.setCookie])
                #expect(setCookie.contains("Path=/s/\(token)") && setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
                #expect(opened.object("study")["studyUid"] as? String == F.studyUID)
                #expect(opened.object("report")["title"] as? String == "胸部CT平扫")
                #expect(opened["download"] == nil, "a share reads images, not the originals")
                let cookie = Self.cookie(opened)
                let study = try await client.call(.get, "/s/\(token)/study", headers: cookie)
                #expect(study.status == 200)
                let images = (study["series"] as? [[String: any Sendable]])?.last?["images"] as? [[String: any Sendable]] ?? []
                let preview = try #require(images.first?["preview"] as? String)
                #expect(preview.hasPrefix("/s/\(token)/images/"))
                let jpeg = try await client.call(.get, "\(preview)&preset=bone", headers: cookie)
                #expect(jpeg.status == 200 && Self.isJPEG(jpeg.raw))
                #expect(try await client.call(.get, preview).errorCode == "share_session_required")

                // Another study's image through this share, the resident's API through the share, a
                // second share's cookie on this one: all refused.
                try await F.stow(client, h, files: try F.files(patientID: "P-OTHER", studyUID: "1.2.826.0.1.3680043.8.78"))
                #expect(try await client.call(.get, "/s/\(token)/images/1.2.826.0.1.3680043.8.78.1.1", headers: cookie)
                    .errorCode == "image_not_found")
                #expect(try await client.call(.get, F.path(resident, "/\(F.studyUID)"), headers: cookie).status == 401)
                let other = Self.token(try await Self.share(client, resident))
                #expect(try await client.call(.get, "/s/\(other)/study", headers: cookie).errorCode == "share_session_required")
                #expect(try await client.call(.post, "/s/NOSUCHTOKEN/open", json: "{}").errorCode == "share_not_found")

                let shareID = try #require(share["id"] as? String)
                let revoked = try await client.call(.delete, "/api/v1/family-members/\(resident.selfMemberID)/shares/\(shareID)",
                                                    token: resident.token)
                #expect(revoked.object("share")["state"] as? String == "revoked")
                #expect(try await Self.open(client, token).errorCode == "share_revoked")
                let after = try await client.call(.get, "/s/\(token)/study", headers: cookie)
                #expect(after.status == 410 && after.errorCode == "share_revoked", "revoking ends open sessions too")

                let log = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/shares/\(shareID)/openings",
                                                token: resident.token)
                let openings = log["openings"] as? [[String: any Sendable]] ?? []
                #expect(openings.map { $0["outcome"] as? String } == ["revoked", "opened"])
                #expect(openings.allSatisfy { $0["clientAddress"] as? String == "203.0.113.*" })
                #expect(openings.first?["userAgent"] as? String == "Mozilla/5.0 MicroMessenger/8.0")
                let listed = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/shares", token: resident.token)
                #expect((listed["shares"] as? [[String: any Sendable]])?.map { $0["state"] as? String } == ["active", "revoked"])

                // Nobody else can see, revoke or read the log of a share.
                let stranger = try await Resident.register(h, client, phone: "13900139000", idNumber: "110105198001010016", name: "李四",
                                                           openid: "stranger")
                #expect(try await client.call(.get, "/api/v1/family-members/\(stranger.selfMemberID)/shares/\(shareID)/openings",
                                              token: stranger.token).errorCode == "share_not_found")
                #expect(try await client.call(.delete, "/api/v1/family-members/\(resident.selfMemberID)/shares/\(shareID)",
                                              token: stranger.token).errorCode == "family_member_not_found")
            }
        }
    }

    @Test("A share's access code is asked, wrong codes lock it for a while, and an expired share opens no more")
    func codesAndExpiry() async throws {
        try await TestHarness.with { h in
            try await h.test { client in
                let (resident, _) = try await Self.holderWithStudy(h, client)
                for bad in [#"{"expiresInDays":0}"#, #"{"expiresInDays":31}"#] {
                    #expect(try await client.call(.post, F.path(resident, "/\(F.studyUID)/shares"), token: resident.token, json: bad)
                        .errorCode == "share_expiry_invalid")
                }
                for bad in ["12a4", "123", "123456789"] {
                    #expect(try await client.call(.post, F.path(resident, "/\(F.studyUID)/shares"), token: resident.token,
                                                  json: #"{"accessCode":"\#(bad)"}"#).errorCode == "share_code_invalid")
                }
                let share = try await Self.share(client, resident, json: #"{"expiresInDays":2,"accessCode":"246810"}"#)
                #expect(share["hasAccessCode"] as? Int == 1)
                let token = Self.token(share)
                let asked = try await Self.open(client, token)
                #expect(asked.status == 401 && asked.errorCode == "share_code_required")
                let wrong = try await Self.open(client, token, code: "111111")
                #expect(wrong.status == 403 && wrong.errorCode == "share_code_wrong")
                for _ in 0..<3 { _ = try await Self.open(client, token, code: "111111") }
                let locked = try await Self.open(client, token, code: "111111")
                #expect(locked.status == 429 && locked.errorCode == "share_code_locked")
                #expect(try await Self.open(client, token, code: "246810").errorCode == "share_code_locked", "even the right code waits")
                h.clock.advance(by: 16 * 60)
                let opened = try await Self.open(client, token, code: "246810")
                #expect(opened.status == 200, "\(opened.body)")
                let cookie = Self.cookie(opened)
                #expect(try await client.call(.get, "/s/\(token)/study", headers: cookie).status == 200)

                h.clock.advance(by: 2 * 86_400)
                let expired = try await Self.open(client, token, code: "246810")
                #expect(expired.status == 410 && expired.errorCode == "share_expired")
                #expect(try await client.call(.get, "/s/\(token)/study", headers: cookie).errorCode == "share_expired")
                let shareID = try #require(share["id"] as? String)
                let log = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/shares/\(shareID)/openings",
                                                token: resident.token)
                #expect((log["openings"] as? [[String: any Sendable]])?.compactMap { $0["outcome"] as? String }
                    == ["expired", "opened", "code_locked", "code_locked", "code_wrong", "code_wrong", "code_wrong", "code_wrong"])
                let listed = try await client.call(.get, "/api/v1/family-members/\(resident.selfMemberID)/shares", token: resident.token)
                #expect((listed["shares"] as? [[String: any Sendable]])?.first?["state"] as? String == "expired")
            }
        }
    }
}
