import Foundation
import Testing

/// The pydicom and pydicom-data sample files that `.ci/deps` installs into `.build/dicom-samples`
/// (or wherever `HUIMIN_DICOM_SAMPLES` points). Absent samples fail the test that needs them:
/// skipping would let CI pass without reading a single real file.
enum SampleFiles {
    static let root: URL? = {
        if let override = ProcessInfo.processInfo.environment["HUIMIN_DICOM_SAMPLES"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        // Walk up from this file to the package root that holds `.build`, from the path as compiled
        // and from its symlink-resolved form (a scratch package may link the test sources in).
        let source = URL(fileURLWithPath: #filePath)
        for start in [source, source.resolvingSymlinksInPath()] {
            var directory = start.deletingLastPathComponent()
            while directory.path != "/" {
                let candidate = directory.appendingPathComponent(".build/dicom-samples")
                if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("pydicom").path) { return candidate }
                directory.deleteLastPathComponent()
            }
        }
        return nil
    }()

    /// A path relative to the samples root, as the inventory lists them (e.g.
    /// `pydicom/data/test_files/CT_small.dcm`, `data_store/data/MR2_UNCR.dcm`).
    static func url(_ relativePath: String) throws -> URL {
        guard let root else {
            Issue.record("DICOM sample files are missing: run bash .ci/deps (or set HUIMIN_DICOM_SAMPLES)")
            throw Missing()
        }
        return root.appendingPathComponent(relativePath)
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relativePath)))
    }

    /// pydicom's test files, by name.
    static func testFile(_ name: String) throws -> [UInt8] { try bytes("pydicom/data/test_files/" + name) }

    struct Missing: Error {}
}
