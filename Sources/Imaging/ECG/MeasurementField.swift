/// One of the cart's global measurements, with the names files use for it, so that DICOM, aECG
/// and JSON readers share one vocabulary.
enum MeasurementField: CaseIterable {
    case heartRate, rr, pr, qrs, qt, qtc, pAxis, qrsAxis, tAxis

    /// Lower-cased DICOM code meanings (SCP-ECG, CID 3687/3689), SCP-ECG and MDC code values, and
    /// the HL7 aECG MDC names.
    var names: Set<String> {
        switch self {
        case .heartRate: ["ventricular heart rate", "heart rate", "mdc_ecg_heart_rate", "2:16770"]
        case .rr: ["rr interval", "5.10.2.1-3", "2:16000", "mdc_ecg_time_pd_rr"]
        case .pr: ["pr interval", "5.13.5-7", "2:15872", "mdc_ecg_time_pd_pr"]
        case .qrs: ["qrs duration", "5.13.5-9", "2:16156", "mdc_ecg_time_pd_qrs"]
        case .qt: ["qt interval", "5.13.5-11", "2:16160", "mdc_ecg_time_pd_qt"]
        case .qtc: ["qtc interval", "5.10.2.5-5", "2:15876", "mdc_ecg_time_pd_qtc"]
        case .pAxis: ["p axis", "5.10.3-11", "2:16128", "mdc_ecg_angle_p_front"]
        case .qrsAxis: ["qrs axis", "5.10.3-13", "2:16132", "mdc_ecg_angle_qrs_front"]
        case .tAxis: ["t axis", "5.10.3-15", "2:16136", "mdc_ecg_angle_t_front"]
        }
    }

    static func named(_ keys: [String]) -> MeasurementField? {
        let lowered = Set(keys.map { $0.lowercased() })
        return allCases.first { !$0.names.isDisjoint(with: lowered) }
    }
}

extension ECGMeasurements {
    subscript(field: MeasurementField) -> Double? {
        get {
            switch field {
            case .heartRate: heartRate
            case .rr: rr
            case .pr: pr
            case .qrs: qrs
            case .qt: qt
            case .qtc: qtc
            case .pAxis: pAxis
            case .qrsAxis: qrsAxis
            case .tAxis: tAxis
            }
        }
        set {
            switch field {
            case .heartRate: heartRate = newValue
            case .rr: rr = newValue
            case .pr: pr = newValue
            case .qrs: qrs = newValue
            case .qt: qt = newValue
            case .qtc: qtc = newValue
            case .pAxis: pAxis = newValue
            case .qrsAxis: qrsAxis = newValue
            case .tAxis: tAxis = newValue
            }
        }
    }

    /// Keeps the first value a file gives for a field; files repeat globals per beat or series.
    mutating func record(_ value: Double, for field: MeasurementField) {
        if self[field] == nil { self[field] = value }
    }

    /// Carts that report only the RR interval imply the rate.
    mutating func deriveHeartRate() {
        if heartRate == nil, let rr, rr > 0 { heartRate = (60_000 / rr * 10).rounded() / 10 }
    }
}
