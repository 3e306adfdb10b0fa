import Foundation

/// The text above the traces. The caller decides what may be shown: the patient line arrives
/// already masked, in ASCII or pinyin (the sheet's font has no Chinese).
public struct ECGSheetHeader: Sendable, Equatable {
    public var patient: String
    public var time: String?
    public var device: String?
    public var measurements: ECGMeasurements

    public init(patient: String, time: String? = nil, device: String? = nil, measurements: ECGMeasurements = ECGMeasurements()) {
        self.patient = patient
        self.time = time
        self.device = device
        self.measurements = measurements
    }

    /// Time, device and measurements from the recording; `heartRate` (e.g. from R-peak
    /// detection) fills in when the cart reported none.
    public init(patient: String, recording: ECGRecording, heartRate: Double? = nil) {
        var measurements = recording.measurements
        if measurements.heartRate == nil { measurements.heartRate = heartRate }
        self.init(patient: patient, time: recording.acquisitionTime.map(Self.readableTime), device: recording.deviceID,
                  measurements: measurements)
    }

    /// The measurement line: "HR 61 bpm  PR 161 ms  QRS 75 ms  QT/QTc 368/370 ms  P/QRS/T 74/52/57".
    var measurementLine: String {
        func number(_ value: Double?) -> String { value.map { String(Int($0.rounded())) } ?? "-" }
        var parts: [String] = []
        if let rate = measurements.heartRate { parts.append("HR \(number(rate)) bpm") }
        if let pr = measurements.pr { parts.append("PR \(number(pr)) ms") }
        if let qrs = measurements.qrs { parts.append("QRS \(number(qrs)) ms") }
        if measurements.qt != nil || measurements.qtc != nil {
            parts.append("QT/QTc \(number(measurements.qt))/\(number(measurements.qtc)) ms")
        }
        if measurements.pAxis != nil || measurements.qrsAxis != nil || measurements.tAxis != nil {
            parts.append("P/QRS/T \(number(measurements.pAxis))/\(number(measurements.qrsAxis))/\(number(measurements.tAxis))")
        }
        return parts.joined(separator: "   ")
    }

    /// DICOM DT and HL7 TS digits ("20130125105919") as "2013-01-25 10:59:19"; ISO 8601 with a
    /// space for the T. Anything else is shown as given.
    static func readableTime(_ raw: String) -> String {
        let digits = Array(raw.prefix { $0.isASCII && $0.isNumber })
        guard digits.count >= 12 else { return raw.replacingOccurrences(of: "T", with: " ") }
        let part = { (range: Range<Int>) in String(digits[range]) }
        let seconds = digits.count >= 14 ? ":" + part(12..<14) : ""
        return "\(part(0..<4))-\(part(4..<6))-\(part(6..<8)) \(part(8..<10)):\(part(10..<12))\(seconds)"
    }
}
