import Foundation
import GRDB

/// What the archive indexes from one received instance; personal fields arrive sealed.
public struct IndexedInstance: Sendable {
    public struct Study: Sendable {
        public var studyUID: String
        public var patientID: String
        public var patientNameSealed: Data?
        /// Blind-index keys of the patient name (see dicom_study_name_key).
        public var patientNameKeys: [String]
        public var patientBirthDate: String?
        public var patientSex: String?
        public var idNumberIndex: String?
        public var studyDate: String?
        public var studyTime: String?
        public var accessionNumber: String?
        public var studyID: String?
        public var studyDescription: String?
        public var referringPhysicianSealed: Data?
        public var institutionName: String?

        public init(studyUID: String, patientID: String, patientNameSealed: Data?, patientNameKeys: [String],
                    patientBirthDate: String?, patientSex: String?, idNumberIndex: String?, studyDate: String?,
                    studyTime: String?, accessionNumber: String?, studyID: String?, studyDescription: String?,
                    referringPhysicianSealed: Data?, institutionName: String?) {
            self.studyUID = studyUID
            self.patientID = patientID
            self.patientNameSealed = patientNameSealed
            self.patientNameKeys = patientNameKeys
            self.patientBirthDate = patientBirthDate
            self.patientSex = patientSex
            self.idNumberIndex = idNumberIndex
            self.studyDate = studyDate
            self.studyTime = studyTime
            self.accessionNumber = accessionNumber
            self.studyID = studyID
            self.studyDescription = studyDescription
            self.referringPhysicianSealed = referringPhysicianSealed
            self.institutionName = institutionName
        }
    }

    public struct Series: Sendable {
        public var seriesUID: String
        public var modality: String?
        public var seriesNumber: Int?
        public var seriesDescription: String?
        public var bodyPart: String?
        public var seriesDate: String?

        public init(seriesUID: String, modality: String?, seriesNumber: Int?, seriesDescription: String?,
                    bodyPart: String?, seriesDate: String?) {
            self.seriesUID = seriesUID
            self.modality = modality
            self.seriesNumber = seriesNumber
            self.seriesDescription = seriesDescription
            self.bodyPart = bodyPart
            self.seriesDate = seriesDate
        }
    }

    public var hospitalCode: String
    public var study: Study
    public var series: Series
    public var sopInstanceUID: String
    public var sopClassUID: String
    public var instanceNumber: Int?
    public var transferSyntaxUID: String
    public var rows: Int?
    public var columns: Int?
    public var frames: Int?
    public var blobSHA256: String
    public var size: Int64
    public var metadataSealed: Data
    /// False for objects without pixels (structured reports, waveforms): no render job.
    public var hasPixels: Bool

    public init(hospitalCode: String, study: Study, series: Series, sopInstanceUID: String, sopClassUID: String,
                instanceNumber: Int?, transferSyntaxUID: String, rows: Int?, columns: Int?, frames: Int?,
                blobSHA256: String, size: Int64, metadataSealed: Data, hasPixels: Bool) {
        self.hospitalCode = hospitalCode
        self.study = study
        self.series = series
        self.sopInstanceUID = sopInstanceUID
        self.sopClassUID = sopClassUID
        self.instanceNumber = instanceNumber
        self.transferSyntaxUID = transferSyntaxUID
        self.rows = rows
        self.columns = columns
        self.frames = frames
        self.blobSHA256 = blobSHA256
        self.size = size
        self.metadataSealed = metadataSealed
        self.hasPixels = hasPixels
    }
}

/// How a received instance was taken.
public enum InstanceReceipt: String, Sendable, Codable {
    /// A SOP instance the archive had not seen.
    case stored
    /// The same SOP instance with other bytes: kept as a new version, which the index now shows.
    case newVersion = "new_version"
    /// The same bytes again: nothing changed.
    case duplicate
}

public struct StudyRow: Codable, FetchableRecord, Sendable {
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var studyUid: String
    public var hospitalCode: String
    public var patientId: String
    public var patientNameSealed: Data?
    public var patientBirthDate: String?
    public var patientSex: String?
    public var idNumberIndex: String?
    public var studyDate: String?
    public var studyTime: String?
    public var accessionNumber: String?
    public var studyId: String?
    public var studyDescription: String?
    public var referringPhysicianSealed: Data?
    public var institutionName: String?
    public var modalities: String
    public var seriesCount: Int
    public var instanceCount: Int
    public var createdAt: Date
    public var updatedAt: Date
}

public struct SeriesRow: Codable, FetchableRecord, Sendable {
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var seriesUid: String
    public var studyUid: String
    public var modality: String?
    public var seriesNumber: Int?
    public var seriesDescription: String?
    public var bodyPart: String?
    public var seriesDate: String?
    public var instanceCount: Int
    public var createdAt: Date
}

public struct InstanceRow: Codable, FetchableRecord, Sendable {
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public var sopInstanceUid: String
    public var seriesUid: String
    public var studyUid: String
    public var hospitalCode: String
    public var sopClassUid: String
    public var instanceNumber: Int?
    public var transferSyntaxUid: String
    public var rows: Int?
    public var columns: Int?
    public var frames: Int?
    public var version: Int
    public var blobSha256: String
    public var size: Int64
    public var metadataSealed: Data
    public var renderState: String
    public var renderReason: String?
    public var thumbnailSha256: String?
    public var previewSha256: String?
    public var createdAt: Date
    public var updatedAt: Date
}
