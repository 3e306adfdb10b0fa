import Database
import Foundation
import HuiminCore
import ImageArchive
import Imaging
import TestSupport

/// A fresh database, object store and crypto profile in a temporary directory.
struct ArchiveHarness {
    let directory: URL
    let database: AppDatabase
    let crypto: any CryptoProfile
    let clock: ManualClock
    let imaging: ImagingServices

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("huimin-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try AppDatabase(path: directory.appendingPathComponent("huimin.sqlite").path)
        // Real time: the sweep compares it with the files' modification times.
        clock = ManualClock(Date())
        crypto = try CryptoProfiles.load(name: "gm", keysDirectory: directory.appendingPathComponent("keys"), clock: clock)
        imaging = try ImagingServices(objectsDirectory: directory.appendingPathComponent("objects"), database: database,
                                      crypto: crypto, clock: clock)
    }

    @discardableResult
    func ingest(_ bytes: [UInt8], hospital: String = "H0001") async throws -> DicomIngest.Received {
        try await imaging.ingest.receive(bytes: bytes, hospitalCode: hospital, actor: .hospital(hospital))
    }

    /// Runs the render jobs ingest queued, as a worker would.
    func renderPending() async throws {
        var filter = InstanceFilter()
        filter.limit = 100_000
        for row in try await imaging.index.instances(filter) where row.renderState == "pending" {
            try await imaging.renditions.render(RenderJob(sopInstanceUID: row.sopInstanceUid, version: row.version))
        }
    }

    /// A sample re-written under new UIDs, so tests can make as many distinct instances as they need.
    static func reUID(_ bytes: [UInt8], study: String, series: String, instance: String,
                      patientName: String? = nil, patientID: String? = nil, studyDate: String? = nil) throws -> [UInt8] {
        let file = try DICOMFile.read(bytes)
        var data = file.dataSet
        func set(_ tag: Tag, _ vr: VR, _ value: String) {
            var bytes = Array(value.utf8)
            if bytes.count % 2 == 1 { bytes.append(vr == .UI ? 0 : 0x20) }
            data.set(DataElement(tag: tag, vr: vr, value: .bytes(bytes)))
        }
        set(.studyInstanceUID, .UI, study)
        set(.seriesInstanceUID, .UI, series)
        if let patientName {
            set(.specificCharacterSet, .CS, "ISO_IR 192")
            set(.patientName, .PN, patientName)
        }
        if let patientID { set(.patientID, .LO, patientID) }
        if let studyDate { set(.studyDate, .DA, studyDate) }
        let sopClass = data.string(.sopClassUID) ?? "1.2.840.10008.5.1.4.1.1.2"
        return try DICOMFile.write(data, sopClassUID: sopClass, sopInstanceUID: instance,
                                   transferSyntax: file.transferSyntax.isEncapsulated ? file.transferSyntax : .explicitVRLittleEndian)
    }
}
