/// The data a job carries, tied to its kind so enqueueing needs no separate kind string.
public protocol JobPayload: Codable, Sendable {
    /// Stable name stored in the `job.kind` column, such as `sms.verification`.
    static var kind: String { get }
}

/// Runs one kind of job. Delivery is at least once (a worker may crash after the work but before
/// recording it), so handlers must be safe to run twice for the same payload. Throw `JobFailure`
/// to say whether a failure is worth retrying.
public protocol JobHandler: Sendable {
    associatedtype Payload: JobPayload
    func run(_ payload: Payload) async throws
}
