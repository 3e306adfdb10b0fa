import Database
import Foundation
import HuiminCore
import ImageArchive
import Imaging
import ObjectStore
import Records

/// Builds film pages and serves their images and originals. Callers decide who may see a study
/// (a resident's family member, or a share); everything here is about one study already allowed.
public struct FilmReader: Sendable {
    let index: ImagingStore
    let retrieval: DicomRetrieval
    let reports: ReportReader
    let crypto: any CryptoProfile

    public static let pageSize = 100

    public init(index: ImagingStore, retrieval: DicomRetrieval, reports: ReportReader, crypto: any CryptoProfile) {
        self.index = index
        self.retrieval = retrieval
        self.reports = reports
        self.crypto = crypto
    }

    static let notFound = AppError.notFound("study_not_found", "No such study for this family member.")

    /// The study when the person may see it; "not found" otherwise, so study UIDs reveal nothing.
    public func study(_ studyUID: String, personID: String) async throws -> StudyRow {
        guard let study = try await index.study(studyUID, personID: personID) else { throw Self.notFound }
        return study
    }

    /// A person's studies, newest first, each with a thumbnail.
    public func studies(personID: String, links: (String) -> FilmLinks) async throws -> [StudySummary] {
        var summaries: [StudySummary] = []
        for study in try await index.studies(personID: personID) {
            let counts = try await index.imageCounts(studyUID: study.studyUid)
            let firstSeries = try await index.series(studyUID: study.studyUid).first { (counts[$0.seriesUid] ?? 0) > 0 }
            summaries.append(try await summary(study, counts: counts, thumbnailSeries: firstSeries, links: links(study.studyUid)))
        }
        return summaries
    }

    public func page(_ study: StudyRow, personID: String, links: FilmLinks, share: ShareTerms? = nil) async throws -> FilmPage {
        let counts = try await index.imageCounts(studyUID: study.studyUid)
        var series: [FilmSeries] = []
        for row in try await index.series(studyUID: study.studyUid) {
            let count = counts[row.seriesUid] ?? 0
            guard count > 0 else { continue }
            let images = try await index.images(seriesUID: row.seriesUid, offset: 0, limit: Self.pageSize)
            series.append(FilmSeries(
                seriesUid: row.seriesUid, number: row.seriesNumber, modality: row.modality, description: row.seriesDescription,
                bodyPart: row.bodyPart, imageCount: count, thumbnail: images.isEmpty ? nil : links.thumbnail(images[images.count / 2].sopInstanceUid),
                images: images.map { Self.image($0, links) }, nextCursor: count > Self.pageSize ? String(Self.pageSize) : nil))
        }
        let found = try await reports.studyReport(personID: personID, studyUID: study.studyUid)
        let keyImages = try await index.images(studyUID: study.studyUid, sopInstanceUIDs: found?.keyImages ?? [])
        let modalities = Self.modalities(study)
        var summary = try await summary(study, counts: counts, thumbnailSeries: nil, links: links)
        summary.thumbnail = series.first?.thumbnail
        return FilmPage(
            study: summary,
            report: found.map { ReportSummary(id: $0.report.id, title: $0.report.title, modality: $0.report.modality,
                                             bodyPart: $0.report.bodyPart, findings: $0.report.findings,
                                             impression: $0.report.impression, reportedAt: $0.report.reportedAt) },
            keyImages: keyImages.map { Self.image($0, links) },
            presets: modalities.contains("CT") ? CTWindowPreset.allCases.map { $0.rawValue.lowercased() } : [],
            series: series, share: share, download: links.download)
    }

    /// The next page of a series' images; the cursor is where the last page stopped.
    public func images(_ study: StudyRow, seriesUID: String, cursor: String?, limit: String?, links: FilmLinks) async throws -> FilmImagePage {
        let offset = try cursor.map { text -> Int in
            guard let value = Int(text), value >= 0 else { throw AppError.invalid("cursor_invalid", "That cursor is not one this API gave.") }
            return value
        } ?? 0
        let size = try limit.map { text -> Int in
            guard let value = Int(text), (1...500).contains(value) else { throw AppError.invalid("limit_invalid", "limit is 1 to 500.") }
            return value
        } ?? Self.pageSize
        guard try await index.series(studyUID: study.studyUid).contains(where: { $0.seriesUid == seriesUID }) else {
            throw AppError.notFound("series_not_found", "The study has no such series.")
        }
        let rows = try await index.images(seriesUID: seriesUID, offset: offset, limit: size + 1)
        return FilmImagePage(images: rows.prefix(size).map { Self.image($0, links) },
                             nextCursor: rows.count > size ? String(offset + size) : nil)
    }

    /// What the viewer asked of one image: the kept thumbnail or preview, or a frame / window rendered now.
    public struct ImageRequest: Sendable {
        public var size: String?
        public var frame: String?
        public var preset: String?

        public init(size: String?, frame: String?, preset: String?) {
            self.size = size
            self.frame = frame
            self.preset = preset
        }
    }

    public func image(_ study: StudyRow, sopInstanceUID: String, _ request: ImageRequest) async throws -> [UInt8] {
        guard let row = try await index.instance(sopInstanceUID), row.studyUid == study.studyUid, row.renderState != "none" else {
            throw AppError.notFound("image_not_found", "The study has no such image.")
        }
        let size = request.size ?? "preview"
        guard size == "preview" || size == "thumbnail" else {
            throw AppError.invalid("size_invalid", "size is thumbnail or preview.")
        }
        let frame = try request.frame.map { text -> Int in
            guard let value = Int(text), value >= 1 else { throw AppError.invalid("frame_invalid", "Frames are numbered from 1.") }
            return value
        }
        let window = try request.preset.map { text -> Window in
            guard let preset = CTWindowPreset(rawValue: text.uppercased()) else {
                throw AppError.invalid("preset_unknown",
                                       "Presets: \(CTWindowPreset.allCases.map { $0.rawValue.lowercased() }.joined(separator: ", ")).")
            }
            return Window(preset)
        }
        let retrieval = self.retrieval
        return try await BlockingWork.run {
            if frame == nil, window == nil {
                return size == "thumbnail" ? try retrieval.thumbnail(row) : try retrieval.preview(row)
            }
            return try retrieval.rendered(row, frame: frame, size: size == "thumbnail" ? Renderer.thumbnailSize : Renderer.previewSize,
                                          window: window, quality: 85).jpeg
        }
    }

    /// The study's original files as a zip, streamed: one folder per series.
    public func download(_ study: StudyRow, _ send: ([UInt8]) async throws -> Void) async throws {
        var filter = InstanceFilter()
        filter.studyUID = study.studyUid
        filter.limit = 100_000
        let rows = try await index.instances(filter)
        try StudyZip.check(totalSize: rows.reduce(0) { $0 + $1.size }, entries: rows.count)
        let series = Dictionary(try await index.series(studyUID: study.studyUid).map { ($0.seriesUid, $0) }, uniquingKeysWith: { a, _ in a })
        var zip = StudyZip()
        var used = Set<String>()
        for row in rows {
            let folder = series[row.seriesUid].map { "\($0.seriesNumber.map(String.init) ?? "0")-\($0.modality ?? "OT")" } ?? "0-OT"
            var name = "\(folder)/\(row.instanceNumber.map { String(format: "%04d", $0) } ?? row.sopInstanceUid).dcm"
            if !used.insert(name).inserted { name = "\(folder)/\(row.sopInstanceUid).dcm" }
            try await send(zip.begin(name: name))
            let retrieval = self.retrieval
            try await retrieval.streamFile(row) { piece in
                zip.add(piece)
                try await send(piece)
            }
            try await send(zip.end())
        }
        try await send(zip.finish())
    }

    // MARK: -

    static func image(_ row: FilmImageRow, _ links: FilmLinks) -> FilmImage {
        FilmImage(sopInstanceUid: row.sopInstanceUid, number: row.instanceNumber, frames: row.frames ?? 1,
                  thumbnail: links.thumbnail(row.sopInstanceUid), preview: links.preview(row.sopInstanceUid))
    }

    static func modalities(_ study: StudyRow) -> [String] {
        study.modalities.split(separator: "\\").map(String.init)
    }

    private func summary(_ study: StudyRow, counts: [String: Int], thumbnailSeries: SeriesRow?, links: FilmLinks) async throws -> StudySummary {
        var thumbnail: String?
        if let thumbnailSeries {
            let count = counts[thumbnailSeries.seriesUid] ?? 0
            thumbnail = try await index.images(seriesUID: thumbnailSeries.seriesUid, offset: count / 2, limit: 1).first
                .map { links.thumbnail($0.sopInstanceUid) }
        }
        return StudySummary(
            studyUid: study.studyUid, date: study.studyDate.map(Self.day), time: study.studyTime.map(Self.clock),
            description: study.studyDescription, modalities: Self.modalities(study), hospitalCode: study.hospitalCode,
            hospitalName: try await index.hospitalName(code: study.hospitalCode) ?? study.institutionName,
            patientName: try study.patientNameSealed.map { Masking.name(Self.displayName(try crypto.open(Array($0)))) },
            patientSex: study.patientSex, seriesCount: counts.count, imageCount: counts.values.reduce(0, +), thumbnail: thumbnail)
    }

    /// DICOM dates are yyyyMMdd.
    static func day(_ text: String) -> String {
        let digits = Array(text.prefix(8))
        guard digits.count == 8 else { return text }
        return "\(String(digits[0..<4]))-\(String(digits[4..<6]))-\(String(digits[6..<8]))"
    }

    static func clock(_ text: String) -> String {
        let digits = Array(text.prefix(6))
        guard digits.count == 6, digits.allSatisfy(\.isNumber) else { return text }
        return "\(String(digits[0..<2])):\(String(digits[2..<4])):\(String(digits[4..<6]))"
    }

    /// A person name as a resident reads it: the ideographic group when there is one (王^小东=…),
    /// else the alphabetic one with its components spaced.
    static func displayName(_ sealedName: [UInt8]) -> String {
        let groups = String(decoding: sealedName, as: UTF8.self).split(separator: "=", omittingEmptySubsequences: false).map(String.init)
        let chosen = groups.dropFirst().first { $0.unicodeScalars.contains { $0.value >= 0x3400 } } ?? groups.first ?? ""
        let isIdeographic = chosen.unicodeScalars.contains { $0.value >= 0x3400 }
        return chosen.split(separator: "^").joined(separator: isIdeographic ? "" : " ")
    }
}
