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
        case "2001":
            return .conflict("his_bill_already_paid", "The hospital has already settled this bill.")
        case "2002":
            return .notFound("his_bill_not_found", "The hospital has no such bill for this patient.")
        case "2003":
            return .conflict("his_amount_mismatch", "The amount differs from the hospital's bill.")
        case "2004":
            return .conflict("his_bill_cancelled", "The hospital has withdrawn this bill.")
        case "2101":
            return .notFound("his_inpatient_not_found", "The hospital has no such admission for this patient.")
        case "2102":
            return .conflict("his_inpatient_discharged", "The patient has been discharged; deposits are closed.")
        case "2201":
            return .conflict("his_refund_exceeds", "The refund exceeds what the hospital settled.")
        default:
            // 1003 (signature) and system errors: nothing the resident can change.
            return .upstream("channel_error", "The hospital's system refused the request.")
        }
    }
}
