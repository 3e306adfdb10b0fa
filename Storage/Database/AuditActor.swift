/// Who made a change, as the audit log records it.
public struct AuditActor: Sendable, Equatable {
    /// "resident", "staff", "hospital" or "system".
    public var kind: String
    public var id: String

    public init(kind: String, id: String) {
        self.kind = kind
        self.id = id
    }

    public static func resident(_ accountID: String) -> AuditActor { AuditActor(kind: "resident", id: accountID) }
    public static func staff(_ staffID: String) -> AuditActor { AuditActor(kind: "staff", id: staffID) }
    public static func hospital(_ code: String) -> AuditActor { AuditActor(kind: "hospital", id: code) }
    public static let system = AuditActor(kind: "system", id: "huimin")
}
