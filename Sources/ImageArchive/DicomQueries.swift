import Database
import Foundation
import HuiminCore
import Imaging

/// QIDO-RS: searches over the index, answered as DICOM JSON arrays. Names are opened only here,
/// for callers entitled to see them (the API checks who asks and audits it).
public struct DicomQueries: Sendable {
    let index: ImagingStore
    let crypto: any CryptoProfile

    public static let maxLimit = 1000

    public init(index: ImagingStore, crypto: any CryptoProfile) {
        self.index = index
        self.crypto = crypto
    }

    /// `baseURL` is the DICOMweb root the caller used, for each result's RetrieveURL.
    public func studies(_ query: [(String, String)], baseURL: String) async throws -> [UInt8] {
        let parameters = try QIDOParameters(query, maxLimit: Self.maxLimit)
        var filter = StudyFilter()
        filter.studyUIDs = parameters.uids("StudyInstanceUID")
        filter.patientID = parameters["PatientID"]
        filter.accessionNumber = parameters["AccessionNumber"]
        filter.studyID = parameters["StudyID"]
        filter.modality = parameters["ModalitiesInStudy"]
        if let name = parameters["PatientName"] {
            filter.patientNameKey = try PatientNameKeys(crypto: crypto).key(forQuery: name, fuzzy: parameters.fuzzy)
        }
        (filter.studyDateFrom, filter.studyDateTo) = try parameters.dateRange("StudyDate")
        filter.limit = parameters.limit
        filter.offset = parameters.offset
        let rows = try await index.studies(filter)
        return try DicomJSONAttributes.encode(try rows.map { try studyAttributes($0, baseURL: baseURL) })
    }

    public func series(_ query: [(String, String)], studyUID: String?, baseURL: String) async throws -> [UInt8] {
        let parameters = try QIDOParameters(query, maxLimit: Self.maxLimit)
        if let studyUID, try await index.study(studyUID) == nil { throw ArchiveErrors.studyNotFound }
        var filter = SeriesFilter()
        filter.studyUID = studyUID ?? parameters["StudyInstanceUID"]
        filter.seriesUIDs = parameters.uids("SeriesInstanceUID")
        filter.modality = parameters["Modality"]
        filter.seriesNumber = try parameters.int("SeriesNumber")
        filter.limit = parameters.limit
        filter.offset = parameters.offset
        let rows = try await index.series(filter)
        return try DicomJSONAttributes.encode(rows.map { row in
            var attributes = DicomJSONAttributes(study: row.studyUid, series: row.seriesUid)
            attributes.text(.modality, "CS", row.modality)
            attributes.number(.seriesNumber, "IS", row.seriesNumber)
            attributes.text(.seriesDescription, "LO", row.seriesDescription)
            attributes.text(.bodyPartExamined, "CS", row.bodyPart)
            attributes.text(.seriesDate, "DA", row.seriesDate)
            attributes.number(.numberOfSeriesRelatedInstances, "IS", row.instanceCount)
            attributes.url(.retrieveURL, "\(baseURL)/studies/\(row.studyUid)/series/\(row.seriesUid)")
            return attributes.object
        })
    }

    public func instances(_ query: [(String, String)], studyUID: String?, seriesUID: String?,
                          baseURL: String) async throws -> [UInt8] {
        let parameters = try QIDOParameters(query, maxLimit: 5000)
        if let studyUID, try await index.study(studyUID) == nil { throw ArchiveErrors.studyNotFound }
        var filter = InstanceFilter()
        filter.studyUID = studyUID ?? parameters["StudyInstanceUID"]
        filter.seriesUID = seriesUID ?? parameters["SeriesInstanceUID"]
        filter.sopInstanceUIDs = parameters.uids("SOPInstanceUID")
        filter.sopClassUID = parameters["SOPClassUID"]
        filter.instanceNumber = try parameters.int("InstanceNumber")
        filter.limit = parameters.limit == 100 && !query.contains(where: { $0.0.lowercased() == "limit" }) ? 5000 : parameters.limit
        filter.offset = parameters.offset
        let rows = try await index.instances(filter)
        return try DicomJSONAttributes.encode(rows.map { row in
            var attributes = DicomJSONAttributes(study: row.studyUid, series: row.seriesUid)
            attributes.text(.sopInstanceUID, "UI", row.sopInstanceUid)
            attributes.text(.sopClassUID, "UI", row.sopClassUid)
            attributes.number(.instanceNumber, "IS", row.instanceNumber)
            attributes.number(.rows, "US", row.rows)
            attributes.number(.columns, "US", row.columns)
            attributes.number(.numberOfFrames, "IS", row.frames)
            attributes.text(.availableTransferSyntaxUID, "UI", row.transferSyntaxUid)
            attributes.url(.retrieveURL, "\(baseURL)/studies/\(row.studyUid)/series/\(row.seriesUid)/instances/\(row.sopInstanceUid)")
            return attributes.object
        })
    }

    private func studyAttributes(_ row: StudyRow, baseURL: String) throws -> [String: Any] {
        var attributes = DicomJSONAttributes(study: row.studyUid, series: nil)
        attributes.text(.studyDate, "DA", row.studyDate)
        attributes.text(.studyTime, "TM", row.studyTime)
        attributes.text(.accessionNumber, "SH", row.accessionNumber)
        attributes.text(.studyID, "SH", row.studyId)
        attributes.text(.studyDescription, "LO", row.studyDescription)
        attributes.text(.modalitiesInStudy, "CS", row.modalities)
        attributes.text(.institutionName, "LO", row.institutionName)
        attributes.personName(.patientName, try open(row.patientNameSealed))
        attributes.personName(.referringPhysicianName, try open(row.referringPhysicianSealed))
        attributes.text(.patientID, "LO", row.patientId)
        attributes.text(.patientBirthDate, "DA", row.patientBirthDate)
        attributes.text(.patientSex, "CS", row.patientSex)
        attributes.number(.numberOfStudyRelatedSeries, "IS", row.seriesCount)
        attributes.number(.numberOfStudyRelatedInstances, "IS", row.instanceCount)
        attributes.url(.retrieveURL, "\(baseURL)/studies/\(row.studyUid)")
        return attributes.object
    }

    private func open(_ sealed: Data?) throws -> String? {
        guard let sealed else { return nil }
        do {
            return String(decoding: try crypto.open(Array(sealed)), as: UTF8.self)
        } catch {
            throw AppError.internalError
        }
    }
}
