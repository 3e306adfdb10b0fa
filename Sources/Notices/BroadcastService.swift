import Database
import Foundation
import HuiminCore

/// 群发 as staff write and watch it: the request is checked against the event catalog (the
/// payload must give every variable the payload supplies, in the right form, and nothing else),
/// saved once per Idempotency-Key, and expanded into outbox rows by BroadcastExpander.
public struct BroadcastService: Sendable {
    let store: BroadcastStore
    let clock: any HuiminClock
    /// A list longer than this belongs in a hospital or `all` audience.
    static let maxAccounts = 10_000
    /// Every recipient's outbox row repeats the payload.
    static let maxPayloadBytes = 4096

    public init(store: BroadcastStore, clock: any HuiminClock) {
        self.store = store
        self.clock = clock
    }

    /// The body of `POST /api/v1/staff/broadcasts`.
    public struct Request: Decodable, Sendable {
        public var event: String
        public var payload: [String: String]?
        /// Defaults to the event's own urgency.
        public var urgent: Bool?
        public var audience: AudienceBody
    }

    public struct AudienceBody: Codable, Sendable, Equatable {
        public var kind: String
        public var accountIds: [String]?
        public var hospitalCode: String?
    }

    public struct View: Encodable, Sendable {
        public var id: String
        public var event: String
        public var audience: AudienceBody
        public var payload: [String: String]
        public var urgent: Bool
        /// `expanding` while outbox rows are being written, then `queued`.
        public var status: String
        /// Outbox rows written so far: one per recipient account.
        public var recipients: Int
        /// The recipients' messages by status, once the dispatcher has taken them in.
        public var messages: [String: Int]
        /// Recipients whose message the dispatcher has not taken in yet.
        public var awaitingDispatch: Int
        public var createdBy: String
        public var createdAt: String
        public var expandedAt: String?
    }

    public func create(_ request: Request, idempotencyKey: String?, actor: AuditActor) async throws -> (View, created: Bool) {
        if let key = idempotencyKey, key.isEmpty || key.count > 64 {
            throw AppError.invalid("idempotency_key_invalid", "An Idempotency-Key is 1 to 64 characters.")
        }
        guard let kind = EventCatalog.kind(request.event) else {
            throw AppError.rule("broadcast_event_unknown", "No event '\(request.event)' in the catalog.")
        }
        let payload = request.payload ?? [:]
        try Self.check(payload, kind: kind)
        let draft = BroadcastStore.Draft(event: kind.event, audience: try Self.audience(request.audience), payload: payload,
                                         urgent: request.urgent ?? kind.urgent)
        let (broadcast, created) = try await store.create(draft, idempotencyKey: idempotencyKey, actor: actor, now: clock.now())
        return (try await view(broadcast), created)
    }

    public func broadcast(id: String) async throws -> View {
        guard let broadcast = try await store.broadcast(id: id) else {
            throw AppError.notFound("broadcast_not_found", "No such broadcast.")
        }
        return try await view(broadcast)
    }

    func view(_ b: BroadcastStore.Broadcast) async throws -> View {
        let counts = try await store.messageCounts(id: b.id)
        return View(id: b.id, event: b.draft.event, audience: Self.body(b.draft.audience), payload: b.draft.payload, urgent: b.draft.urgent,
                    status: b.status, recipients: b.recipients, messages: counts,
                    awaitingDispatch: max(0, b.recipients - counts.values.reduce(0, +)), createdBy: b.createdBy,
                    createdAt: ISO8601.string(b.createdAt), expandedAt: b.expandedAt.map(ISO8601.string))
    }

    /// Every payload-sourced variable present and well formed; recipient-sourced ones (names,
    /// phones) are looked up per recipient by the dispatcher, so a payload may not carry them.
    static func check(_ payload: [String: String], kind: EventKind) throws {
        for (name, value) in payload.sorted(by: { $0.key < $1.key }) {
            guard let variable = kind.variable(name) else {
                throw AppError.rule("template_variable_unknown", "The event '\(kind.event)' has no variable '\(name)'.")
            }
            guard variable.source == .payload else {
                throw AppError.rule("broadcast_payload_invalid", "'\(name)' is filled in for each recipient; leave it out of the payload.")
            }
            _ = try TemplateRenderer.format(value, variable: variable, filter: nil, field: name)
        }
        if let missing = kind.variables.first(where: { $0.source == .payload && (payload[$0.name] ?? "").isEmpty }) {
            throw AppError.rule("template_variable_missing",
                                "The payload lacks {{\(missing.name)}} (\(missing.meaning)), which '\(kind.event)' messages use.")
        }
        guard payload.reduce(0, { $0 + $1.key.utf8.count + $1.value.utf8.count }) <= maxPayloadBytes else {
            throw AppError.rule("broadcast_payload_invalid", "The payload is over \(maxPayloadBytes) bytes.")
        }
    }

    static func audience(_ body: AudienceBody) throws -> BroadcastStore.Audience {
        switch body.kind {
        case "all": return .all
        case "hospital":
            guard let code = body.hospitalCode, !code.isEmpty else {
                throw AppError.invalid("broadcast_audience_invalid", "A hospital audience names its hospitalCode.")
            }
            return .hospital(code)
        case "accounts":
            let ids = Set(body.accountIds ?? [])
            guard !ids.isEmpty, ids.count <= maxAccounts, !ids.contains("") else {
                throw AppError.invalid("broadcast_audience_invalid",
                                       "An accounts audience lists 1 to \(maxAccounts) account IDs; for more, use a hospital or all.")
            }
            return .accounts(ids.sorted())
        default:
            throw AppError.invalid("broadcast_audience_invalid", "The audience kind is accounts, hospital or all.")
        }
    }

    static func body(_ audience: BroadcastStore.Audience) -> AudienceBody {
        switch audience {
        case .accounts(let ids): AudienceBody(kind: "accounts", accountIds: ids, hospitalCode: nil)
        case .hospital(let code): AudienceBody(kind: "hospital", accountIds: nil, hospitalCode: code)
        case .all: AudienceBody(kind: "all", accountIds: nil, hospitalCode: nil)
        }
    }
}
