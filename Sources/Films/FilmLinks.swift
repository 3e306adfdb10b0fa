/// Where a film's images are fetched from: under the resident's API path (bearer token) or under
/// a share's link (its cookie). The same page shape serves both.
public struct FilmLinks: Sendable {
    /// Path prefix ending at the study (`/api/v1/family-members/M/studies/UID`) or the share (`/s/TOKEN`).
    public let base: String
    let canDownload: Bool

    public static func resident(memberID: String, studyUID: String) -> FilmLinks {
        FilmLinks(base: "/api/v1/family-members/\(memberID)/studies/\(studyUID)", canDownload: true)
    }

    public static func share(token: String) -> FilmLinks {
        FilmLinks(base: "/s/\(token)", canDownload: false)
    }

    func thumbnail(_ sopInstanceUID: String) -> String { "\(base)/images/\(sopInstanceUID)?size=thumbnail" }
    func preview(_ sopInstanceUID: String) -> String { "\(base)/images/\(sopInstanceUID)?size=preview" }
    var download: String? { canDownload ? "\(base)/download" : nil }
}
