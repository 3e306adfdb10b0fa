import HuiminCore
import Imaging

enum ArchiveErrors {
    static let missingUIDs = AppError.rule("dicom_missing_uid",
                                           "The file lacks a Study, Series or SOP Instance UID, or its SOP Class UID.")

    static func badUID(_ uid: String) -> AppError {
        AppError.rule("dicom_bad_uid", "\"\(uid.prefix(70))\" is not a valid DICOM UID.")
    }

    static let emptyUpload = AppError.invalid("dicom_empty", "The upload holds no DICOM file.")
    static let studyNotFound = AppError.notFound("study_not_found", "No study has that Study Instance UID.")
    static let seriesNotFound = AppError.notFound("series_not_found", "No series has that Series Instance UID in this study.")
    static let instanceNotFound = AppError.notFound("instance_not_found", "No instance has that SOP Instance UID here.")

    /// A parser error as the API reports it: 400 with the parser's own stable code.
    static func unreadable(_ error: DICOMError) -> AppError {
        AppError.invalid(error.code, error.message)
    }
}
