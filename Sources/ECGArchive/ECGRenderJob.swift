/// Queued with every new recording: draw its sheet at thumbnail, screen and print resolution.
public struct ECGRenderJob: Codable, Sendable, Equatable {
    public static let kind = "ecg.render"

    public var recordingID: String

    public init(recordingID: String) {
        self.recordingID = recordingID
    }
}
