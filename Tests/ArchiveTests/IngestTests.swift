import Database
import Foundation
import GRDB
import HuiminCore
import ImageArchive
import Imaging
import ObjectStore
import TestSupport
import Testing

@Suite("Imaging archive: ingest, versions and renditions")
struct IngestTests {
    @Test("a file is stored by hash, indexed at three levels, and its thumbnail and preview are rendered")
    func storesIndexesRenders() async throws {
        let archive = try ArchiveHarness()
        let bytes = try DICOMSamples.testFile("CT_small.dcm")
        let received = try await archive.ingest(bytes)
        #expect(received.receipt == .stored && received.version == 1)
        #expect(received.sopInstanceUID == "1.3.6.1.4.1.5962.1.1.1.1.1.20040119072730.12322")
        #expect(try archive.imaging.objects.read(try BlobKey(received.sha256)) == bytes)

        let study = try #require(try await archive.imaging.index.study(received.studyUID))
        #expect(study.seriesCount == 1 && study.instanceCount == 1 && study.modalities == "CT")
        #expect(study.patientId == "1CT1")
        let pending = try #require(try await archive.imaging.index.instance(received.sopInstanceUID))
        #expect(pending.renderState == "pending" && pending.rows == 128 && pending.columns == 128)

        try await archive.renderPending()
        let rendered = try #require(try await archive.imaging.index.instance(received.sopInstanceUID))
        #expect(rendered.renderState == "rendered" && rendered.renderReason == nil)
        let thumbnail = try archive.imaging.objects.read(try BlobKey(try #require(rendered.thumbnailSha256)))
        #expect(Array(thumbnail.prefix(3)) == [0xFF, 0xD8, 0xFF])
        #expect(rendered.previewSha256 != nil)
    }

    @Test("the same bytes again change nothing; other bytes under the same SOP UID become version 2, which the index shows")
    func duplicatesAndVersions() async throws {
        let archive = try ArchiveHarness()
        let first = try await archive.ingest(try DICOMSamples.testFile("CT_small.dcm"))
        let again = try await archive.ingest(try DICOMSamples.testFile("CT_small.dcm"))
        #expect(again.receipt == .duplicate && again.version == 1 && again.sha256 == first.sha256)

        // The same image as Implicit VR: same SOP instance, other bytes.
        let implicit = try DICOMSamples.testFile("CT_small.dcm")
        let rewritten = try DICOMFile.write(try DICOMFile.read(implicit).dataSet, sopClassUID: first.sopClassUID,
                                            sopInstanceUID: first.sopInstanceUID)
        let second = try await archive.ingest(rewritten)
        #expect(second.receipt == .newVersion && second.version == 2 && second.sha256 != first.sha256)
        let row = try #require(try await archive.imaging.index.instance(first.sopInstanceUID))
        #expect(row.version == 2 && row.blobSha256 == second.sha256)
        let study = try #require(try await archive.imaging.index.study(first.studyUID))
        #expect(study.instanceCount == 1)
        // Both versions keep their blobs.
        #expect(try archive.imaging.objects.size(try BlobKey(first.sha256)) != nil)
        let versions = try await archive.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dicom_instance_version WHERE sop_instance_uid = ?",
                             arguments: [first.sopInstanceUID])
        }
        #expect(versions == 2)
    }

    @Test("truncated, non-DICOM and UID-less files are refused with their codes and leave no index rows")
    func refusals() async throws {
        let archive = try ArchiveHarness()
        let truncated = await #expect(throws: AppError.self) {
            try await archive.ingest(try DICOMSamples.testFile("MR_truncated.dcm"))
        }
        #expect(truncated?.code == "dicom_truncated" && truncated?.status == 400)
        let notDICOM = await #expect(throws: AppError.self) { try await archive.ingest(Array("hello, not a file".utf8)) }
        #expect(notDICOM?.code == "dicom_not_dicom")
        let empty = await #expect(throws: AppError.self) { try await archive.ingest([]) }
        #expect(empty?.code == "dicom_empty")

        var data = try DICOMFile.read(try DICOMSamples.testFile("CT_small.dcm")).dataSet
        var elements = data.elements
        elements[.studyInstanceUID] = nil
        data = DataSet(elements: elements)
        let noStudy = try DICOMFile.write(data, sopClassUID: "1.2.840.10008.5.1.4.1.1.2", sopInstanceUID: "1.2.3.4")
        let missing = await #expect(throws: AppError.self) { try await archive.ingest(noStudy) }
        #expect(missing?.code == "dicom_missing_uid" && missing?.status == 422)
        #expect(try await archive.imaging.index.studies(StudyFilter()).isEmpty)
    }

    @Test("patient names are sealed in the index: the plain name appears nowhere in the database")
    func namesSealed() async throws {
        let archive = try ArchiveHarness()
        let bytes = try ArchiveHarness.reUID(try DICOMSamples.testFile("CT_small.dcm"), study: "1.2.826.0.1.1", series: "1.2.826.0.1.1.1",
                                             instance: "1.2.826.0.1.1.1.1", patientName: "Zhang^Wei=张^伟")
        try await archive.ingest(bytes)
        let hits = try await archive.database.pool.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM dicom_study WHERE CAST(patient_name_sealed AS TEXT) LIKE '%Zhang%'
                    OR CAST(patient_name_sealed AS TEXT) LIKE '%张%'
                """)
        }
        #expect(hits == 0)
    }

    @Test("every sample file with pixel data ingests; each gets a thumbnail or a recorded reason")
    func sampleCorpus() async throws {
        let archive = try ArchiveHarness()
        var stored = 0
        var refused: [String] = []
        let paths = try DICOMSamples.files(in: "pydicom/data/test_files") + DICOMSamples.files(in: "data_store/data")
        for path in paths where path.hasSuffix(".dcm") {
            do {
                let received = try await archive.ingest(try DICOMSamples.bytes(path))
                if received.receipt != .duplicate { stored += 1 }
            } catch let error as AppError {
                refused.append("\(path.split(separator: "/").last!): \(error.code)")
            }
        }
        // The deliberately broken samples, and the ones without instance identifiers.
        #expect(stored > 100, "stored \(stored); refused \(refused)")
        try await archive.renderPending()
        var filter = InstanceFilter()
        filter.limit = 10_000
        let rows = try await archive.imaging.index.instances(filter)
        #expect(rows.allSatisfy { $0.renderState != "pending" })
        #expect(rows.allSatisfy { $0.renderState == "none" || $0.thumbnailSha256 != nil })
        #expect(rows.filter { $0.renderState == "placeholder" }.allSatisfy { $0.renderReason?.isEmpty == false })
        // Each family of transfer syntax rendered at least once.
        let renderedSyntaxes = Set(rows.filter { $0.renderState == "rendered" }.map(\.transferSyntaxUid))
        for syntax in ["1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2", "1.2.840.10008.1.2.5",
                       "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.4.80",
                       "1.2.840.10008.1.2.4.90"] {
            #expect(renderedSyntaxes.contains(syntax), "no \(syntax) rendered")
        }
        // The lossy JPEG 2000 samples share their SOP UIDs with uncompressed twins that arrive later (newer
        // versions win), so one is stored under a UID of its own.
        let lossy = try ArchiveHarness.reUID(try DICOMSamples.testFile("693_J2KI.dcm"), study: "1.2.826.0.1.7",
                                             series: "1.2.826.0.1.7.1", instance: "1.2.826.0.1.7.1.1")
        try await archive.ingest(lossy)
        try await archive.renderPending()
        #expect(try await archive.imaging.index.instance("1.2.826.0.1.7.1.1")?.renderState == "rendered")
    }

    @Test("the sweep removes blobs nothing references once the grace period has passed; verify finds rot")
    func sweepAndVerify() async throws {
        let archive = try ArchiveHarness()
        let kept = try await archive.ingest(try DICOMSamples.testFile("CT_small.dcm"))
        let orphan = try archive.imaging.objects.put(Array("an upload that failed to parse".utf8))
        // Files are fresh: within the grace period nothing goes.
        #expect(try await archive.imaging.sweep.run(grace: 3600).removed == 0)
        archive.clock.advance(by: 7200)
        let outcome = try await archive.imaging.sweep.run(grace: 3600)
        #expect(outcome.removed == 1)
        #expect(try archive.imaging.objects.size(orphan.key) == nil)
        #expect(try archive.imaging.objects.size(try BlobKey(kept.sha256)) != nil)
        #expect(try archive.imaging.sweep.verify().corrupt.isEmpty)
        let usage = try await archive.imaging.index.usageByHospital()
        #expect(usage.count == 1 && usage[0].hospitalCode == "H0001" && usage[0].bytes > 0)
    }
}

@Suite("Imaging archive: a study's link to a resident")
struct StudyLinkTests {
    @Test("studies link through the person's patient card at that hospital, or through the ID-card number the PACS used")
    func linksToResident() async throws {
        let archive = try ArchiveHarness()
        let idNumber = "11010519491231002X"
        try await archive.database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO person (id, id_number_index, id_number_sealed, name_sealed, sex, birth_date, created_at, updated_at)
                VALUES ('per_1', ?, x'00', x'00', 'female', '1949-12-31', '2026-01-01', '2026-01-01')
                """, arguments: [archive.crypto.blindIndex("id:" + idNumber)])
            try db.execute(sql: """
                INSERT INTO patient_card (person_id, hospital_code, patient_id, card_number, bound_at)
                VALUES ('per_1', 'H0001', 'P-77', 'C-77', '2026-01-01')
                """)
        }
        let ct = try DICOMSamples.testFile("CT_small.dcm")
        try await archive.ingest(try ArchiveHarness.reUID(ct, study: "1.2.826.0.2.1", series: "1.2.826.0.2.1.1", instance: "1.2.826.0.2.1.1.1",
                                                          patientID: "P-77"), hospital: "H0001")
        try await archive.ingest(try ArchiveHarness.reUID(ct, study: "1.2.826.0.2.2", series: "1.2.826.0.2.2.1", instance: "1.2.826.0.2.2.1.1",
                                                          patientID: idNumber), hospital: "H0002")
        try await archive.ingest(try ArchiveHarness.reUID(ct, study: "1.2.826.0.2.3", series: "1.2.826.0.2.3.1", instance: "1.2.826.0.2.3.1.1",
                                                          patientID: "P-77"), hospital: "H0002")
        let linked = try await archive.imaging.index.studies(personID: "per_1").map(\.studyUid).sorted()
        #expect(linked == ["1.2.826.0.2.1", "1.2.826.0.2.2"])
        #expect(try await archive.imaging.index.studies(personID: "per_2").isEmpty)
    }
}
