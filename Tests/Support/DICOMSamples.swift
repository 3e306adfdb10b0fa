import Foundation

/// The pydicom and pydicom-data sample files that `.ci/deps` installs into `.build/dicom-samples`
/// (or wherever `HUIMIN_DICOM_SAMPLES` points). Absent samples fail the test that needs them:
/// skipping would let CI pass without reading a single real file.
public enum DICOMSamples {
    public static let root: URL? = {
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

    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "DICOM sample files are missing: run bash .ci/deps (or set HUIMIN_DICOM_SAMPLES)" }
    }

    /// A path relative to the samples root, as the inventory lists them (e.g.
    /// `pydicom/data/test_files/CT_small.dcm`, `data_store/data/MR2_UNCR.dcm`).
    public static func url(_ relativePath: String) throws -> URL {
        guard let root else { throw Missing() }
        return root.appendingPathComponent(relativePath)
    }

    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(relativePath)))
    }

    /// pydicom's test files, by name.
    public static func testFile(_ name: String) throws -> [UInt8] { try bytes("pydicom/data/test_files/" + name) }

    /// The files of a sample directory (non-recursive), as paths relative to the root.
    public static func files(in relativeDirectory: String) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: try url(relativeDirectory).path)
        return names.sorted().map { relativeDirectory + "/" + $0 }
    }
}
