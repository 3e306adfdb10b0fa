import Foundation
import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    /// Writes full-size renderings of the sample files for `assets/bench/render-diff.sh`, which
    /// renders the same files with dcmtk and compares. Runs only when HUIMIN_RENDER_DIFF_DIR names the
    /// output directory.
    @Suite("Render-diff export")
    struct RenderDiffExport {
        @Test("RenderDiffExport: renderings and their windows for comparison with dcmtk",
              .enabled(if: ProcessInfo.processInfo.environment["HUIMIN_RENDER_DIFF_DIR"] != nil))
        func export() throws {
            let output = URL(fileURLWithPath: ProcessInfo.processInfo.environment["HUIMIN_RENDER_DIFF_DIR"]!)
            let root = try DICOMSamples.url("")
            var index: [String] = []
            for path in SampleRenderingTests.files {
                guard let file = try? DICOMFile.read(DICOMSamples.bytes(path)), file.dataSet.pixelData != nil,
                      let raster = try? Renderer.raster(file.dataSet, transferSyntaxUID: file.transferSyntax.uid) else { continue }
                let name = String(path.split(separator: "/").last!.dropLast(4))
                let header = "\(raster.channels == 1 ? "P5" : "P6")\n\(raster.width) \(raster.height)\n255\n"
                try Data(Array(header.utf8) + raster.pixels).write(to: output.appendingPathComponent(name + ".pnm"))
                let voi = raster.window.map { "\($0.center)\t\($0.width)" } ?? (raster.channels == 1 ? "lut\t" : "\t")
                index.append([root.appendingPathComponent(path).path, name + ".pnm", voi, file.transferSyntax.uid].joined(separator: "\t"))
            }
            try index.joined(separator: "\n").write(to: output.appendingPathComponent("index.tsv"), atomically: true, encoding: .utf8)
        }
    }
}
