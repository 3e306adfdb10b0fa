/// Why a DICOM stream could not be read or written. `code` is stable for machines (logs, API
/// problem documents); `message` is for people.
public enum DICOMError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data ends inside an element, item or sequence.
    case truncated(offset: Int)
    /// Neither a Part 10 preamble nor a plausible raw data set.
    case notDICOM
    /// A length that cannot be right: undefined where it is not allowed, or not a whole number of values.
    case badLength(tag: Tag, offset: Int)
    /// Explicit VR bytes that name no value representation.
    case badVR(tag: Tag, offset: Int)
    /// Something other than an item inside a sequence or encapsulated pixel data.
    case badItem(tag: Tag, offset: Int)
    case unsupportedTransferSyntax(String)
    case nestingTooDeep(offset: Int)
    /// Deflated data that zlib rejects, or that inflates beyond the allowed size.
    case inflateFailed(String)
    /// A value the writer cannot encode (too long for its VR, pixel data unlike its transfer syntax).
    case notWritable(tag: Tag, reason: String)

    public var code: String {
        switch self {
        case .truncated: "dicom_truncated"
        case .notDICOM: "dicom_not_dicom"
        case .badLength: "dicom_bad_length"
        case .badVR: "dicom_bad_vr"
        case .badItem: "dicom_bad_item"
        case .unsupportedTransferSyntax: "dicom_unsupported_transfer_syntax"
        case .nestingTooDeep: "dicom_nesting_too_deep"
        case .inflateFailed: "dicom_inflate_failed"
        case .notWritable: "dicom_not_writable"
        }
    }

    public var message: String {
        switch self {
        case .truncated(let offset): "The data ends unexpectedly at byte \(offset)."
        case .notDICOM: "The data is not a DICOM file: no DICM preamble and no recognisable data set."
        case .badLength(let tag, let offset): "Element \(tag) at byte \(offset) has an impossible length."
        case .badVR(let tag, let offset): "Element \(tag) at byte \(offset) has an unknown value representation."
        case .badItem(let tag, let offset): "Expected an item at byte \(offset) but found \(tag)."
        case .unsupportedTransferSyntax(let uid): "Transfer syntax \(uid) is not supported."
        case .nestingTooDeep(let offset): "Sequences are nested too deeply at byte \(offset)."
        case .inflateFailed(let reason): "The deflated data set cannot be inflated: \(reason)."
        case .notWritable(let tag, let reason): "Element \(tag) cannot be written: \(reason)."
        }
    }

    public var description: String { "\(code): \(message)" }
}
