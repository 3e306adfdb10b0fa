import Database
import Foundation
import HuiminCore
import Imaging
import ObjectStore

/// The thumbnail (256 px) and preview (1024 px) of an instance, rendered once on arrival from the
/// middle frame and kept in the object store. A file whose pixels cannot be decoded gets a
/// placeholder and the reason, never a failed ingest.
public struct InstanceRenditions: Sendable {
    let objects: any ObjectStore
    let index: ImagingStore
    let clock: any HuiminClock

    public init(objects: any ObjectStore, index: ImagingStore, clock: any HuiminClock) {
        self.objects = objects
        self.index = index
        self.clock = clock
    }

    public func render(_ job: RenderJob) async throws {
        guard let row = try await index.instance(job.sopInstanceUID), row.version == job.version else {
            // A newer version arrived: its own job renders it.
            return
        }
        let objects = self.objects
        // Decoding, encoding and the fsyncs of two puts: off the concurrency threads.
        let (thumbnail, preview, reason) = try await BlockingWork.run { () throws -> (StoredBlob, StoredBlob?, String?) in
            let outcome = Self.renditions { try FrameExcerpt(objects: objects).dataSet(row) }
            return (try objects.put(outcome.thumbnail), try outcome.preview.map { try objects.put($0) }, outcome.reason)
        }
        try await index.finishRender(
            sopInstanceUID: row.sopInstanceUid, version: row.version,
            thumbnail: .init(sha256: thumbnail.key.hex, size: thumbnail.size),
            preview: preview.map { .init(sha256: $0.key.hex, size: $0.size) }, reason: reason, now: clock.now())
    }

    /// Decodes the middle frame once and encodes both sizes from it.
    static func renditions(_ load: () throws -> (dataSet: DataSet, transferSyntaxUID: String, frame: Int))
        -> (thumbnail: [UInt8], preview: [UInt8]?, reason: String?) {
        do {
            let source = try load()
            let raster = try Renderer.raster(source.dataSet, transferSyntaxUID: source.transferSyntaxUID, frame: source.frame)
            func encoded(_ box: Int) throws -> [UInt8] {
                let fitted = raster.fittedSize(box: box, upscale: false)
                return try JPEGEncoder.encode(raster.resized(width: fitted.width, height: fitted.height))
            }
            return (try encoded(Renderer.thumbnailSize), try encoded(Renderer.previewSize), nil)
        } catch {
            let reason = (error as? RenderError)?.description ?? (error as? DICOMError).map { "\($0.code): \($0.message)" }
                ?? "\(error)"
            let placeholder = (try? JPEGEncoder.encode(Placeholder.raster(size: Renderer.thumbnailSize))) ?? []
            return (placeholder, nil, reason)
        }
    }
}
