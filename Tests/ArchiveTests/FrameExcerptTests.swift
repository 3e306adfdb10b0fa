import Database
import Foundation
@testable import ImageArchive
import Imaging
import TestSupport
import Testing

@Suite("Rendering one frame of a large file without reading it whole")
struct FrameExcerptTests {
    /// With the whole-file limit at zero every file is read as a large one would be: header, then one frame.
    @Test("native, RLE, JPEG and JPEG 2000 multi-frame files give the same frame as a full read", arguments: [
        "data_store/data/emri_small.dcm", "data_store/data/emri_small_RLE.dcm", "data_store/data/emri_small_jpeg_2k_lossless.dcm",
        "data_store/data/emri_small_jpeg_ls_lossless.dcm", "pydicom/data/test_files/examples_ybr_color.dcm",
        "data_store/data/SC_rgb_2frame.dcm",
    ])
    func sameFrame(path: String) async throws {
        let archive = try ArchiveHarness()
        let received = try await archive.ingest(try DICOMSamples.bytes(path))
        let row = try #require(try await archive.imaging.index.instance(received.sopInstanceUID))
        let frames = row.frames ?? 1
        var excerpt = FrameExcerpt(objects: archive.imaging.objects)
        excerpt.wholeFileLimit = 0
        for frame in Set([0, frames / 2, frames - 1]) {
            let whole = try DICOMFile.read(try DICOMSamples.bytes(path))
            let expected = try Renderer.raster(whole.dataSet, transferSyntaxUID: whole.transferSyntax.uid, frame: frame)
            let part = try excerpt.dataSet(row, frame: frame)
            #expect(part.frame == 0)
            let actual = try Renderer.raster(part.dataSet, transferSyntaxUID: part.transferSyntaxUID, frame: part.frame)
            #expect(actual == expected, "\(path) frame \(frame)")
        }
        #expect(throws: RenderError.self) { try excerpt.dataSet(row, frame: frames) }
    }
}
