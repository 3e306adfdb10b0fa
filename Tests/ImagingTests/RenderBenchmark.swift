import Foundation
import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    /// Thumbnail timings for `assets/bench/render-bench.sh` (run in release). Enabled by
    /// HUIMIN_RENDER_BENCH; prints milliseconds per 256 px thumbnail, file reading and parsing included.
    @Suite("Render benchmark")
    struct RenderBenchmark {
        static let files = [
            "data_store/data/RG3_UNCR.dcm", "data_store/data/RG1_UNCR.dcm", "data_store/data/RG1_J2KR.dcm",
            "data_store/data/RG1_J2KI.dcm", "data_store/data/MR2_UNCR.dcm", "data_store/data/693_J2KR.dcm",
            "data_store/data/bad_sequence.dcm", "data_store/data/US1_J2KI.dcm", "data_store/data/color3d_jpeg_baseline.dcm",
            "pydicom/data/test_files/CT_small.dcm", "pydicom/data/test_files/examples_ybr_color.dcm",
            "data_store/data/emri_small_jpeg_ls_lossless.dcm",
        ]

        @Test("RenderBenchmark: thumbnail time per file", .enabled(if: ProcessInfo.processInfo.environment["HUIMIN_RENDER_BENCH"] != nil))
        func thumbnails() throws {
            for path in Self.files {
                let bytes = try DICOMSamples.bytes(path)
                let rounds = 10
                let start = ContinuousClock.now
                for _ in 0..<rounds {
                    let file = try DICOMFile.read(bytes)
                    let thumbnail = Renderer.thumbnail(file.dataSet, transferSyntaxUID: file.transferSyntax.uid)
                    #expect(thumbnail.failure == nil)
                }
                let elapsed = (ContinuousClock.now - start) / rounds
                let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
                print("RENDER-BENCH\t\(path.split(separator: "/").last!)\t\(bytes.count)\t\((milliseconds * 10).rounded() / 10) ms")
            }
        }
    }
}
