import Database
import Foundation
import HuiminCore
import Hummingbird
import Notices
import Residents

/// `/api/v1/staff/message-templates` and `/api/v1/staff/message-events`: any staff member reads
/// the event catalog and the templates; administrators save them and preview drafts.
struct MessageTemplateRoutes {
    let services: HuiminServices

    struct EventsEnvelope: Encodable, Sendable { let events: [EventKind]; let channels: [String] }
    struct ListEnvelope: Encodable, Sendable { let templates: [MessageTemplate] }
    struct TemplateEnvelope: Encodable, Sendable { let template: MessageTemplate; let versions: [VersionView]? }
    struct VersionView: Encodable, Sendable { let version: Int; let updatedAt: String?; let updatedBy: String?; let enabled: Bool }
    struct PreviewBody: Decodable { let template: TemplateService.Draft?; let payload: [String: String]? }
    struct PreviewEnvelope: Encodable, Sendable { let preview: RenderedMessage }

    func register(on router: RouterGroup<some RequestContext>) {
        router.get("message-events") { request, _ in
            _ = try await services.staffUser(request)
            return JSONResponse(EventsEnvelope(events: EventCatalog.all, channels: MessageChannel.allCases.map(\.rawValue)))
        }
        router.get("message-templates") { request, _ in
            _ = try await services.staffUser(request)
            let query = request.uri.queryParameters
            let templates = try await services.templates.list(event: query.get("event"), channel: query.get("channel"))
            return JSONResponse(ListEnvelope(templates: templates))
        }
        router.get("message-templates/:event/:channel") { request, context in
            _ = try await services.staffUser(request)
            let (event, channel) = try Self.path(context)
            let versions = try await services.templates.versions(event: event, channel: channel)
            guard let current = versions.first else {
                throw AppError.notFound("template_not_found", "No \(channel.rawValue) template for '\(event)' yet.")
            }
            return JSONResponse(TemplateEnvelope(template: current, versions: versions.map {
                VersionView(version: $0.version, updatedAt: $0.updatedAt, updatedBy: $0.updatedBy, enabled: $0.enabled)
            }))
        }
        router.put("message-templates/:event/:channel") { request, context in
            let staff = try await Self.admin(services, request)
            let draft = try await request.json(TemplateService.Draft.self, context: context)
            let saved = try await services.templates.save(event: context.parameters.get("event") ?? "",
                                                          channel: context.parameters.get("channel") ?? "",
                                                          draft: draft, actor: .staff(staff.id))
            return JSONResponse(TemplateEnvelope(template: saved, versions: nil))
        }
        router.post("message-templates/:event/:channel/preview") { request, context in
            _ = try await Self.admin(services, request)
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            let body = buffer.readableBytes == 0 ? PreviewBody(template: nil, payload: nil)
                : try JSONBody.decode(PreviewBody.self, from: Array(buffer: buffer))
            let rendered = try await services.templates.preview(event: context.parameters.get("event") ?? "",
                                                                channel: context.parameters.get("channel") ?? "",
                                                                draft: body.template, payload: body.payload)
            return JSONResponse(PreviewEnvelope(preview: rendered))
        }
    }

    static func path(_ context: some RequestContext) throws -> (String, MessageChannel) {
        let event = context.parameters.get("event") ?? ""
        _ = try TemplateService.event(event)
        return (event, try TemplateService.channel(context.parameters.get("channel") ?? ""))
    }

    static func admin(_ services: HuiminServices, _ request: Request) async throws -> StaffService.Staff {
        let staff = try await services.staffUser(request)
        guard staff.role == "admin" else {
            throw AppError.forbidden("role_forbidden", "Only administrators change and preview message templates.")
        }
        return staff
    }
}
