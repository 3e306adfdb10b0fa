import Database
import Foundation
import HuiminCore
import Imaging
import ObjectStore

/// WADO-RS and WADO-URI: the stored files, their metadata, frames and renderings.
public struct DicomRetrieval: Sendable {
    let objects: any ObjectStore
    let index: ImagingStore
    let crypto: any CryptoProfile

    public init(objects: any ObjectStore, index: ImagingStore, crypto: any CryptoProfile) {
        self.objects = objects
        self.index = index
        self.crypto = crypto
    }

    /// The instances under a study, series or single instance, checking that the path's UIDs belong together.
    public func instances(studyUID: String, seriesUID: String? = nil, sopInstanceUID: String? = nil) async throws -> [InstanceRow] {
        if let sopInstanceUID {
            guard let row = try await index.instance(sopInstanceUID), row.studyUid == studyUID,
                  seriesUID == nil || row.seriesUid == seriesUID else { throw ArchiveErrors.instanceNotFound }
            return [row]
        }
        var filter = InstanceFilter()
        filter.studyUID = studyUID
        filter.seriesUID = seriesUID
        filter.limit = 100_000
        let rows = try await index.instances(filter)
        if rows.isEmpty {
            throw seriesUID == nil ? ArchiveErrors.studyNotFound : ArchiveErrors.seriesNotFound
        }
        return rows
    }

    /// An instance found by its UID alone (WADO-URI names all three, but the SOP UID is the key).
    public func instance(_ sopInstanceUID: String) async throws -> InstanceRow {
        guard let row = try await index.instance(sopInstanceUID) else { throw ArchiveErrors.instanceNotFound }
        return row
    }

    public func file(_ row: InstanceRow) throws -> [UInt8] {
        try objects.read(try BlobKey(row.blobSha256))
    }

    /// The stored file in pieces, so a multi-gigabyte study streams out without being held in memory.
    public func streamFile(_ row: InstanceRow, chunk: Int = 1 << 20, _ body: ([UInt8]) async throws -> Void) async throws {
        let key = try BlobKey(row.blobSha256)
        var offset: Int64 = 0
        while offset < row.size {
            let piece = try objects.read(key, offset: offset, length: Int(min(Int64(chunk), row.size - offset)))
            guard !piece.isEmpty else { throw AppError.internalError }
            try await body(piece)
            offset += Int64(piece.count)
        }
    }

    /// The DICOM JSON array of the instances' metadata, joined from the documents kept at ingest.
    public func metadata(_ rows: [InstanceRow]) throws -> [UInt8] {
        var body: [UInt8] = [UInt8(ascii: "[")]
        for (position, row) in rows.enumerated() {
            if position > 0 { body.append(UInt8(ascii: ",")) }
            do {
                body += try crypto.open(Array(row.metadataSealed))
            } catch {
                throw AppError.internalError
            }
        }
        body.append(UInt8(ascii: "]"))
        return body
    }

    /// The stored bytes of frames (1-based, as DICOMweb numbers them).
    public func frames(_ row: InstanceRow, numbers: [Int]) throws -> [[UInt8]] {
        let file = try parsed(row)
        guard let pixels = file.dataSet.pixelData else { throw Self.noPixels }
        do {
            let access = try FrameAccess(description: try ImageDescription(file.dataSet), pixelData: pixels)
            return try numbers.map { number in
                guard number >= 1, number <= access.frameCount else {
                    throw AppError.notFound("frame_not_found", "Frame \(number) is outside 1…\(access.frameCount).")
                }
                return try access.frame(number - 1)
            }
        } catch let error as RenderError {
            throw AppError.rule("pixel_data_unreadable", error.description)
        }
    }

    /// A rendering for a viewer: a frame (1-based), a size, and a window (explicit or a CT preset).
    public func rendered(_ row: InstanceRow, frame: Int?, size: Int, window: Window?, quality: Int) throws -> RenderedImage {
        let source: (dataSet: DataSet, transferSyntaxUID: String, frame: Int)
        do {
            source = try FrameExcerpt(objects: objects).dataSet(row, frame: frame.map { $0 - 1 })
        } catch let error as DICOMError {
            throw ArchiveErrors.unreadable(error)
        } catch let error as RenderError {
            throw Self.renderFailure(error)
        }
        guard source.dataSet.pixelData != nil else { throw Self.noPixels }
        do {
            return try Renderer.render(source.dataSet, transferSyntaxUID: source.transferSyntaxUID, frame: source.frame,
                                       size: size, window: window, upscale: true, quality: quality)
        } catch {
            throw Self.renderFailure(error)
        }
    }

    private static func renderFailure(_ error: RenderError) -> AppError {
        if case .invalid(let reason) = error, reason.hasPrefix("frame") {
            return AppError.notFound("frame_not_found", reason)
        }
        return AppError("rendering_unsupported", status: 406, "This image cannot be rendered: \(error.description).")
    }

    /// The thumbnail kept at ingest (or, before the worker got to it, one rendered now).
    public func thumbnail(_ row: InstanceRow) throws -> [UInt8] {
        if let sha = row.thumbnailSha256 { return try objects.read(try BlobKey(sha)) }
        return InstanceRenditions.renditions { try FrameExcerpt(objects: objects).dataSet(row) }.thumbnail
    }

    public func preview(_ row: InstanceRow) throws -> [UInt8] {
        if let sha = row.previewSha256 { return try objects.read(try BlobKey(sha)) }
        return try InstanceRenditions.renditions { try FrameExcerpt(objects: objects).dataSet(row) }.preview ?? thumbnail(row)
    }

    private func parsed(_ row: InstanceRow) throws -> DICOMFile {
        do {
            return try DICOMFile.read(try file(row))
        } catch let error as DICOMError {
            throw ArchiveErrors.unreadable(error)
        }
    }

    static let noPixels = AppError.rule("no_pixel_data", "This instance holds no image (a report or a waveform).")
}
