import ECGArchive

extension ECGRenderJob: JobPayload {}

/// Draws a new recording's sheets (the job ECGIngest queues with it).
public struct ECGRenderHandler: JobHandler {
    let sheets: ECGSheets

    public init(sheets: ECGSheets) {
        self.sheets = sheets
    }

    public func run(_ job: ECGRenderJob) async throws {
        try await sheets.render(job)
    }
}
