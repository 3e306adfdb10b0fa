/// A study as the mini-program and the share viewer show it (云胶片): who and what, the report,
/// the key images, and each series with the first page of its images.
public struct FilmPage: Encodable, Sendable {
    public var study: StudySummary
    public var report: ReportSummary?
    /// The images the report marks as key (关键图像), first.
    public var keyImages: [FilmImage]
    /// CT window presets the viewer offers (empty for other modalities).
    public var presets: [String]
    public var series: [FilmSeries]
    /// Set when the page is read through a share.
    public var share: ShareTerms?
    /// The originals as a zip (residents only).
    public var download: String?
}

public struct StudySummary: Encodable, Sendable {
    public var studyUid: String
    /// yyyy-MM-dd.
    public var date: String?
    /// HH:mm:ss.
    public var time: String?
    public var description: String?
    public var modalities: [String]
    public var hospitalCode: String
    public var hospitalName: String?
    /// Masked (王**): the page may be shown to someone else.
    public var patientName: String?
    public var patientSex: String?
    public var seriesCount: Int
    public var imageCount: Int
    /// A thumbnail for lists: the middle image of the first series.
    public var thumbnail: String?
}

public struct ReportSummary: Encodable, Sendable {
    public var id: String
    public var title: String
    public var modality: String?
    public var bodyPart: String?
    /// 所见.
    public var findings: String?
    /// 诊断.
    public var impression: String?
    public var reportedAt: String
}

public struct FilmSeries: Encodable, Sendable {
    public var seriesUid: String
    public var number: Int?
    public var modality: String?
    public var description: String?
    public var bodyPart: String?
    public var imageCount: Int
    public var thumbnail: String?
    public var images: [FilmImage]
    /// Pass to the series' images link for the next page; nil on the last.
    public var nextCursor: String?
}

public struct FilmImage: Encodable, Sendable {
    public var sopInstanceUid: String
    public var number: Int?
    public var frames: Int
    /// 256 px, kept since ingest.
    public var thumbnail: String
    /// 1024 px; add `&frame=N` (1-based) for another frame, `&preset=lung` for a CT window.
    public var preview: String
}

public struct FilmImagePage: Encodable, Sendable {
    public var images: [FilmImage]
    public var nextCursor: String?
}

public struct ShareTerms: Encodable, Sendable {
    public var expiresAt: String
}
