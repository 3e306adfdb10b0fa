/// The job queued with every new instance version that has pixels: render its thumbnail and
/// preview. The version lets a late job for an old version be told apart from the current one.
public struct RenderJob: Codable, Sendable, Equatable {
    public static let kind = "dicom.render"

    public var sopInstanceUID: String
    public var version: Int

    public init(sopInstanceUID: String, version: Int) {
        self.sopInstanceUID = sopInstanceUID
        self.version = version
    }
}
