import Database
import Films
import Foundation
import HuiminCore
import Hummingbird

/// `/api/v1/family-members/{member}/studies`: a family member's imaging studies as films (云胶片),
/// their images, the originals as a zip, and the shares the resident hands to doctors.
struct FilmRoutes {
    let services: HuiminServices

    struct StudiesEnvelope: Encodable, Sendable { let studies: [StudySummary] }
    struct ShareEnvelope: Encodable, Sendable { let share: FilmShares.ShareView }
    struct SharesEnvelope: Encodable, Sendable { let shares: [FilmShares.ShareView] }
    struct OpeningsEnvelope: Encodable, Sendable { let openings: [FilmShares.OpeningView] }

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("family-members/:member/studies") { request, context in
            let (member, person) = try await memberPerson(request, context)
            return JSONResponse(StudiesEnvelope(studies: try await services.films.studies(personID: person) {
                FilmLinks.resident(memberID: member, studyUID: $0)
            }))
        }
        router.get("family-members/:member/studies/:study") { request, context in
            let (member, person, study) = try await memberStudy(request, context)
            return JSONResponse(try await services.films.page(study, personID: person,
                                                              links: .resident(memberID: member, studyUID: study.studyUid)))
        }
        router.get("family-members/:member/studies/:study/series/:series/images") { request, context in
            let (member, _, study) = try await memberStudy(request, context)
            let query = request.uri.queryParameters
            return JSONResponse(try await services.films.images(
                study, seriesUID: try context.parameters.require("series"), cursor: query.get("cursor"), limit: query.get("limit"),
                links: .resident(memberID: member, studyUID: study.studyUid)))
        }
        router.get("family-members/:member/studies/:study/images/:image") { request, context in
            let (_, _, study) = try await memberStudy(request, context)
            return try await Self.image(services, study, request, context)
        }
        router.get("family-members/:member/studies/:study/download") { request, context in
            let (_, _, study) = try await memberStudy(request, context)
            let films = services.films
            return Response(
                status: .ok,
                headers: [.contentType: "application/zip", .cacheControl: "private, no-store",
                          .contentDisposition: "attachment; filename=\"study-\(study.studyDate ?? "images").zip\""],
                body: ResponseBody { writer in
                    try await films.download(study) { try await writer.write(ByteBuffer(bytes: $0)) }
                    try await writer.finish(nil)
                })
        }
        router.post("family-members/:member/studies/:study/shares") { request, context in
            let (account, _) = try await services.resident(request)
            let member = try context.member()
            let person = try await services.family.member(accountID: account.id, memberID: member).person.id
            let study = try await services.films.study(try context.parameters.require("study"), personID: person)
            let body = try await request.body.collect(upTo: 4096)
            let input = body.readableBytes == 0 ? FilmShares.Request()
                : try JSONBody.decode(FilmShares.Request.self, from: Array(buffer: body))
            return JSONResponse(ShareEnvelope(share: try await services.shares.create(
                input, accountID: account.id, memberID: member, personID: person, studyUID: study.studyUid)), status: .created)
        }
        router.get("family-members/:member/shares") { request, context in
            let (account, member) = try await accountMember(request, context)
            return JSONResponse(SharesEnvelope(shares: try await services.shares.shares(accountID: account, memberID: member)))
        }
        router.delete("family-members/:member/shares/:share") { request, context in
            let (account, member) = try await accountMember(request, context)
            return JSONResponse(ShareEnvelope(share: try await services.shares.revoke(
                id: try context.parameters.require("share"), accountID: account, memberID: member)))
        }
        router.get("family-members/:member/shares/:share/openings") { request, context in
            let (account, member) = try await accountMember(request, context)
            return JSONResponse(OpeningsEnvelope(openings: try await services.shares.openings(
                id: try context.parameters.require("share"), accountID: account, memberID: member)))
        }
        router.get("family-members/:member/shares/:share/qr.png") { request, context in
            let (account, member) = try await accountMember(request, context)
            let png = try await services.shares.qrPNG(id: try context.parameters.require("share"), accountID: account, memberID: member)
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: png)))
        }
    }

    /// One image of a study, as a resident or a share viewer asks for it.
    static func image(_ services: HuiminServices, _ study: StudyRow, _ request: Request,
                      _ context: some RequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let bytes = try await services.films.image(study, sopInstanceUID: try context.parameters.require("image"),
                                                   .init(size: query.get("size"), frame: query.get("frame"), preset: query.get("preset")))
        var headers: HTTPFields = [.contentType: "image/jpeg", .cacheControl: "private, max-age=3600"]
        if query.get("download") != nil {
            headers[.contentDisposition] = "attachment; filename=\"image.jpg\""
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private func accountMember(_ request: Request, _ context: some RequestContext) async throws -> (account: String, member: String) {
        let (account, _) = try await services.resident(request)
        let member = try context.member()
        _ = try await services.family.member(accountID: account.id, memberID: member)
        return (account.id, member)
    }

    private func memberPerson(_ request: Request, _ context: some RequestContext) async throws -> (member: String, person: String) {
        let (account, _) = try await services.resident(request)
        let member = try context.member()
        return (member, try await services.family.member(accountID: account.id, memberID: member).person.id)
    }

    private func memberStudy(_ request: Request, _ context: some RequestContext) async throws
        -> (member: String, person: String, study: StudyRow) {
        let (member, person) = try await memberPerson(request, context)
        return (member, person, try await services.films.study(try context.parameters.require("study"), personID: person))
    }
}
