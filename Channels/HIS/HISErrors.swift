import HuiminCore

/// The HIS answer codes, as Huimin's errors.
enum HISErrors {
    static func error(code: String) -> AppError {
        switch code {
        case "1001":
            return .conflict("patient_record_exists", "The hospital already has a record for this person.")
        case "1002":
            return .rule("his_input_rejected", "The hospital rejected the patient details.")
        case "1004":
            return .notFound("hospital_not_found", "The hospital's system does not know that hospital code.")
        default:
            // 1003 (signature) and system errors: nothing the resident can change.
            return .upstream("channel_error", "The hospital's system refused the request.")
        }
    }
}
