import Foundation
import HuiminCore
import Hummingbird
import HummingbirdTesting
import Imaging
import TestSupport
import Testing

/// A CT study of the card holder's patient at H0001, as the PACS would STOW it, and its report.
enum FilmFixture {
    static let studyUID = "1.2.826.0.1.3680043.8.77"
    static let axial = "1.2.826.0.1.3680043.8.77.1"
    static let scout = "1.2.826.0.1.3680043.8.77.2"
    static func image(_ series: String, _ number: Int) -> String { "\(series).\(number)" }

    /// Three axial images and one scout, each CT_small with this study's UIDs and patient. The
    /// series UIDs are the study's with .1 (axial) and .2 (scout).
    static func files(patientID: String = ReportFixture.patientID, studyUID: String = studyUID) throws -> [[UInt8]] {
        let ct = try DICOMSamples.testFile("CT_small.dcm")
        func file(_ series: Int, _ number: Int) throws -> [UInt8] {
            var data = try DICOMFile.read(ct).dataSet
            let seriesUID = "\(studyUID).\(series)"
            for (tag, vr, text) in [(Tag.studyInstanceUID, VR.UI, studyUID), (.seriesInstanceUID, .UI, seriesUID),
                                    (.specificCharacterSet, .CS, "ISO_IR 192"), (.patientName, .PN, "Zhang^San=张^三"),
                                    (.patientID, .LO, patientID), (.studyDate, .DA, "20261128"), (.studyTime, .TM, "101500"),
                                    (.studyDescription, .LO, "CT CHEST"), (.seriesDescription, .LO, series == 1 ? "Axial" : "Scout"),
                                    (.seriesNumber, .IS, series == 1 ? "2" : "1"), (.instanceNumber, .IS, "\(number)")] {
                var bytes = Array(text.utf8)
                if bytes.count % 2 == 1 { bytes.append(vr == .UI ? 0 : 0x20) }
                data.set(DataElement(tag: tag, vr: vr, value: .bytes(bytes)))
            }
            return try DICOMFile.write(data, sopClassUID: "1.2.840.10008.5.1.4.1.1.2", sopInstanceUID: "\(seriesUID).\(number)")
        }
        return [try file(1, 1), try file(1, 2), try file(1, 3), try file(2, 1)]
    }

    static func stow(_ client: any TestClientProtocol, _ h: TestHarness, files: [[UInt8]]) async throws {
        let token = try await CatalogKit.staff(h, client, role: "operator")
        let stored = try await DicomWebTests.stow(client, token: token, files)
        #expect(stored.status == 200, "\(stored.json)")
    }

    /// The radiologist's report on the study, marking the scout and the second axial image as key.
    static func report(studyUID: String = studyUID) -> String {
        """
        {"kind":"exam","title":"胸部CT平扫","patientId":"\(ReportFixture.patientID)","reportedAt":"2026-11-28T04:00:00Z","modality":"CT",
         "bodyPart":"胸部","findings":"右肺上叶见一小结节。","impression":"右肺上叶小结节，建议随访。","studyUid":"\(studyUID)",
         "keyImages":["\(image(scout, 1))","\(image(axial, 2))","1.2.3.404"]}
        """
    }

    static func path(_ resident: Resident, _ rest: String = "") -> String {
        "/api/v1/family-members/\(resident.selfMemberID)/studies\(rest)"
    }
}
