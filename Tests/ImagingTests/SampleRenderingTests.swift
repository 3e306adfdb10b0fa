import Foundation
import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    /// Every pydicom / pydicom-data sample with pixel data renders a thumbnail, or gives one of the
    /// reasons below. Those that do not render, and why:
    /// - `JPEG2000-embedded-sequence-delimiter.dcm`: its fragment holds a sequence delimiter, not a
    ///   codestream (pydicom keeps it as a parsing test).
    /// - `meta_missing_tsyntax.dcm`, `nested_priv_SQ.dcm`: pixel data without an image pixel module.
    @Suite("Rendering the sample files")
    struct SampleRenderingTests {
        static let reasons: [String: RenderError] = [
            "JPEG2000-embedded-sequence-delimiter.dcm": .corrupt("JPEG 2000 header could not be read"),
            "meta_missing_tsyntax.dcm": .missingAttribute("Rows"),
            "nested_priv_SQ.dcm": .missingAttribute("Rows"),
        ]

        /// The samples' paths relative to the samples root (empty when the samples are not installed;
        /// `familiesRender` then records the missing samples as a failure).
        static let files: [String] = {
            guard let root = DICOMSamples.root else { return [] }
            return ["pydicom/data/test_files", "data_store/data"].flatMap { directory in
                let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(directory).path)) ?? []
                return names.filter { $0.hasSuffix(".dcm") }.sorted().map { directory + "/" + $0 }
            }
        }()

        @Test("each sample with pixel data renders a thumbnail or gives its known reason", arguments: files)
        func thumbnail(_ path: String) throws {
            guard let file = try? DICOMFile.read(DICOMSamples.bytes(path)), file.dataSet.pixelData != nil else { return }
            let thumbnail = Renderer.thumbnail(file.dataSet, transferSyntaxUID: file.transferSyntax.uid)
            let name = String(path.split(separator: "/").last!)
            #expect(thumbnail.failure == Self.reasons[name], "\(name)")
            #expect(thumbnail.image.jpeg.starts(with: [0xFF, 0xD8]))
            #expect(max(thumbnail.image.width, thumbnail.image.height) <= Renderer.thumbnailSize)
        }

        @Test("one sample of each transfer syntax family renders", arguments: [
            "pydicom/data/test_files/CT_small.dcm", "pydicom/data/test_files/MR_small_bigendian.dcm",
            "pydicom/data/test_files/image_dfl.dcm", "pydicom/data/test_files/MR_small_RLE.dcm",
            "pydicom/data/test_files/SC_rgb_jpeg_dcmtk.dcm", "pydicom/data/test_files/JPGExtended.dcm", "data_store/data/JPEG-LL.dcm",
            "pydicom/data/test_files/MR_small_jpeg_ls_lossless.dcm", "pydicom/data/test_files/MR_small_jp2klossless.dcm",
        ])
        func familiesRender(_ path: String) throws {
            let file = try DICOMFile.read(DICOMSamples.bytes(path))
            let image = try Renderer.render(file.dataSet, transferSyntaxUID: file.transferSyntax.uid)
            #expect(image.width > 0 && image.jpeg.count > 100)
        }

        @Test("the same image in every lossless syntax decodes to the same stored values", arguments: [
            ("pydicom/data/test_files/MR_small.dcm", ["pydicom/data/test_files/MR_small_RLE.dcm", "pydicom/data/test_files/MR_small_implicit.dcm",
              "pydicom/data/test_files/MR_small_bigendian.dcm", "pydicom/data/test_files/MR_small_jp2klossless.dcm",
              "pydicom/data/test_files/MR_small_jpeg_ls_lossless.dcm"]),
            ("data_store/data/emri_small.dcm", ["data_store/data/emri_small_RLE.dcm", "data_store/data/emri_small_big_endian.dcm",
              "data_store/data/emri_small_jpeg_2k_lossless.dcm", "data_store/data/emri_small_jpeg_ls_lossless.dcm"]),
            ("data_store/data/693_UNCR.dcm", ["data_store/data/693_J2KR.dcm"]),
            ("data_store/data/US1_UNCR.dcm", ["data_store/data/US1_J2KR.dcm"]),
        ])
        func losslessAgree(_ reference: String, _ others: [String]) throws {
            let expected = try Self.samples(reference)
            for other in others {
                let decoded = try Self.samples(other)
                // Compared outside #expect: a failing expectation would print both arrays in full.
                let same = decoded.samples == expected.samples
                let differing = same ? 0 : zip(decoded.samples, expected.samples).filter { $0 != $1 }.count
                #expect(same, "\(other): \(differing) of \(expected.samples.count) samples differ")
            }
        }

        @Test("byte order and bit depth do not change a rendering", arguments: [
            // Big-endian OW holds 8-bit samples in swapped byte pairs; 32-bit samples keep their top byte.
            ("pydicom/data/test_files/SC_rgb_small_odd.dcm", "pydicom/data/test_files/SC_rgb_small_odd_big_endian.dcm"),
            ("data_store/data/OBXXXX1A.dcm", "data_store/data/OBXXXX1A_expb.dcm"),
            ("data_store/data/gdcm-US-ALOKA-16.dcm", "data_store/data/gdcm-US-ALOKA-16_big.dcm"),
            ("pydicom/data/test_files/rtdose.dcm", "pydicom/data/test_files/rtdose_expb.dcm"),
            ("data_store/data/SC_rgb.dcm", "data_store/data/SC_rgb_32bit.dcm"),
            ("data_store/data/SC_rgb_32bit.dcm", "pydicom/data/test_files/SC_rgb_rle_32bit.dcm"),
        ])
        func sameRendering(_ reference: String, _ other: String) throws {
            let expected = try Self.raster(reference), rendered = try Self.raster(other)
            #expect(rendered == expected)
        }

        @Test("an RGB JPEG whose stream names no colour space is taken as RGB, not YCbCr")
        func untransformedRGBJPEG() throws {
            // dcmj2pnm renders this file identically; libjpeg's YCbCr guess would tint it.
            let raster = try Self.raster("pydicom/data/test_files/SC_jpeg_no_color_transform.dcm")
            let pixel = (raster.height / 2 * raster.width + raster.width / 2) * 3
            #expect(raster.channels == 3)
            #expect(Array(raster.pixels[pixel..<pixel + 3]) == [244, 244, 244])
        }

        @Test("lossless JPEG (process 14, SV1) decodes to the values dcmdjpeg gives", arguments: [
            // Path, columns x rows, sum of all samples, 8 samples from (row, column), per dcmdjpeg + pydicom.
            ("data_store/data/JPGLosslessP14SV1_1s_1f_8b.dcm", 1024, 768, 13_572_107, 384, 500, [19, 22, 27, 30, 32, 36, 36, 32]),
            ("data_store/data/JPEG-LL.dcm", 256, 1024, 3_596_452, 512, 100, [25, 23, 23, 23, 25, 21, 19, 22]),
        ])
        func losslessKnownValues(_ path: String, _ columns: Int, _ rows: Int, _ sum: Int, _ row: Int, _ column: Int, _ run: [Int32]) throws {
            let frame = try Self.samples(path)
            #expect((frame.columns, frame.rows) == (columns, rows))
            #expect(frame.samples.reduce(0) { $0 + Int($1) } == sum)
            #expect(Array(frame.samples[row * columns + column..<row * columns + column + 8]) == run)
        }

        @Test("12-bit JPEG Extended (process 4) decodes to within rounding of dcmdjpeg's values")
        func extended12Bit() throws {
            let frame = try Self.samples("pydicom/data/test_files/JPGExtended.dcm")
            #expect((frame.columns, frame.rows) == (256, 1024))
            #expect(Array(frame.samples[512 * 256 + 100..<512 * 256 + 108]) == [25, 27, 28, 29, 31, 23, 16, 16])
            // dcmdjpeg's integer IDCT rounds differently from ours in a few pixels: 3,767,007 there.
            #expect(abs(frame.samples.reduce(0) { $0 + Int($1) } - 3_767_007) < 300)
        }

        static func raster(_ path: String) throws -> Raster {
            let file = try DICOMFile.read(DICOMSamples.bytes(path))
            return try Renderer.raster(file.dataSet, transferSyntaxUID: file.transferSyntax.uid)
        }

        static func samples(_ path: String, frame: Int = 0) throws -> DecodedFrame {
            let file = try DICOMFile.read(DICOMSamples.bytes(path))
            return try FrameDecoder(file.dataSet, transferSyntaxUID: file.transferSyntax.uid).decode(frame: frame)
        }
    }
}
