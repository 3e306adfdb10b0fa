import ImageArchive

extension RenderJob: JobPayload {}

/// Renders a new instance's thumbnail and preview (the job DicomIngest queues with it).
public struct RenderHandler: JobHandler {
    let renditions: InstanceRenditions

    public init(renditions: InstanceRenditions) {
        self.renditions = renditions
    }

    public func run(_ job: RenderJob) async throws {
        try await renditions.render(job)
    }
}
