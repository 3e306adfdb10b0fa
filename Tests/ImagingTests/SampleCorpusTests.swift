import Foundation
import Imaging
import TestSupport
import Testing

extension ImagingTestSuite {
    /// Every file of the pydicom and pydicom-data test sets.
    @Suite("The whole sample corpus")
    struct SampleCorpusTests {
        /// The deliberately broken samples and the error each must give.
        static let broken: [String: String] = [
            // Cut inside the pixel data.
            "pydicom/data/test_files/MR_truncated.dcm": "dicom_truncated",
            "pydicom/data/test_files/rtplan_truncated.dcm": "dicom_truncated",
            // Its last directory record item declares 248 bytes where 224 remain.
            "pydicom/data/test_files/dicomdirtests/DICOMDIR-nooffset": "dicom_truncated",
            // No preamble, and a stray first byte shifts every element off its boundary.
            "pydicom/data/test_files/no_meta.dcm": "dicom_not_dicom",
        ]

        /// README, JSON, dumps, an ICC profile and a gzip file sit beside the DICOM files.
        private static let notDICOMSuffixes = [".txt", ".json", ".dump", ".gz", ".icc", "README"]

        private static func corpus() throws -> [String] {
            let root = try DICOMSamples.url("")
            var paths: [String] = []
            for folder in ["pydicom/data/test_files", "pydicom/data/charset_files", "data_store/data"] {
                let base = root.appendingPathComponent(folder)
                let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey])
                while let url = files?.nextObject() as? URL {
                    guard (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true else { continue }
                    paths.append(folder + url.path.dropFirst(base.path.count))
                }
            }
            return paths.sorted()
        }

        @Test("every DICOM sample parses, in full and header-only; the broken ones give their one error")
        func everySample() throws {
            let paths = try Self.corpus()
            #expect(paths.count > 230)
            var parsed = 0
            for path in paths where !Self.notDICOMSuffixes.contains(where: path.hasSuffix) {
                let bytes = try DICOMSamples.bytes(path)
                do {
                    let full = try DICOMFile.read(bytes)
                    let header = try DICOMFile.read(bytes, stopBeforePixelData: true)
                    #expect(Self.broken[path] == nil, "\(path) should fail")
                    #expect(header.pixelDataRange == full.pixelDataRange, "\(path)")
                    // Header-only reading ends at the pixel data; what trails it (padding, private data) is skipped too.
                    #expect(header.dataSet.elements.count == full.dataSet.elements.keys.filter { $0 < .pixelData }.count, "\(path)")
                    parsed += 1
                } catch {
                    #expect(error.code == Self.broken[path], "\(path): \(error)")
                }
            }
            #expect(parsed > 220)
        }

        @Test("files beside the samples that are not DICOM are reported as such")
        func notDICOM() throws {
            for path in try Self.corpus() where Self.notDICOMSuffixes.contains(where: path.hasSuffix) {
                #expect(throws: DICOMError.notDICOM, "\(path)") { try DICOMFile.read(DICOMSamples.bytes(path)) }
            }
        }
    }
}
