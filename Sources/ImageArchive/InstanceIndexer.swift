import Database
import Foundation
import HuiminCore
import Imaging

/// Turns a parsed file into the rows the index keeps: identifiers and search attributes in clear,
/// names sealed, the full header as sealed DICOM JSON for WADO-RS metadata.
struct InstanceIndexer {
    let crypto: any CryptoProfile

    func index(_ file: DICOMFile, hospitalCode: String, blob: StoredBlobInfo, today: Date) throws -> IndexedInstance {
        let data = file.dataSet
        guard let studyUID = data.string(.studyInstanceUID), let seriesUID = data.string(.seriesInstanceUID),
              let sopUID = data.string(.sopInstanceUID) ?? file.meta.string(.mediaStorageSOPInstanceUID),
              let sopClass = data.string(.sopClassUID) ?? file.meta.string(.mediaStorageSOPClassUID) else {
            throw ArchiveErrors.missingUIDs
        }
        for uid in [studyUID, seriesUID, sopUID, sopClass] where !Self.isUID(uid) {
            throw ArchiveErrors.badUID(uid)
        }
        let name = data.personName(.patientName)
        let study = IndexedInstance.Study(
            studyUID: studyUID,
            patientID: data.string(.patientID) ?? "",
            patientNameSealed: try data.string(.patientName).map { Data(try crypto.seal(Array($0.utf8))) },
            patientNameKeys: name.map { PatientNameKeys(crypto: crypto).keys(for: $0) } ?? [],
            patientBirthDate: data.string(.patientBirthDate),
            patientSex: data.string(.patientSex),
            idNumberIndex: idNumberIndex(data, today: today),
            studyDate: data.string(.studyDate),
            studyTime: data.string(.studyTime),
            accessionNumber: data.string(.accessionNumber),
            studyID: data.string(.studyID),
            studyDescription: data.string(.studyDescription),
            referringPhysicianSealed: try data.string(.referringPhysicianName).map { Data(try crypto.seal(Array($0.utf8))) },
            institutionName: data.string(.institutionName))
        let series = IndexedInstance.Series(
            seriesUID: seriesUID, modality: data.string(.modality), seriesNumber: data.int(.seriesNumber),
            seriesDescription: data.string(.seriesDescription), bodyPart: data.string(.bodyPartExamined),
            seriesDate: data.string(.seriesDate))
        let metadata = try MetadataDocument.encode(file)
        return IndexedInstance(
            hospitalCode: hospitalCode, study: study, series: series, sopInstanceUID: sopUID, sopClassUID: sopClass,
            instanceNumber: data.int(.instanceNumber), transferSyntaxUID: file.transferSyntax.uid,
            rows: data.int(.rows), columns: data.int(.columns), frames: data.int(.numberOfFrames) ?? (data.int(.rows) == nil ? nil : 1),
            blobSHA256: blob.sha256, size: blob.size, metadataSealed: Data(try crypto.seal(metadata)),
            hasPixels: data[.pixelData] != nil || file.pixelDataRange != nil)
    }

    /// The real-name link: a PACS that files patients by their ID card number puts it in the
    /// patient ID or among the other patient IDs; the same blind index as the resident registry's.
    private func idNumberIndex(_ data: DataSet, today: Date) -> String? {
        let candidates = [data.string(.patientID)].compactMap { $0 } + data.strings(.otherPatientIDs)
        for candidate in candidates {
            if let number = try? IDCardNumber(candidate, today: today) {
                return crypto.blindIndex("id:" + number.value)
            }
        }
        return nil
    }

    /// PS3.5 §9.1: digits and dots, no leading zero in a component, at most 64 characters.
    static func isUID(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 64 else { return false }
        return value.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) && (part == "0" || part.first != "0")
        }
    }
}

/// A stored blob as the indexer needs it.
struct StoredBlobInfo {
    var sha256: String
    var size: Int64
}
