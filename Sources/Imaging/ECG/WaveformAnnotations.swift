/// The cart's measurements and statements from a Waveform Annotation Sequence (PS3.3 C.10.10):
/// numeric items named by a concept code, free-text items without one. Fiducial points are
/// positions, not measurements, and are left out.
struct WaveformAnnotations {
    private(set) var measurements = ECGMeasurements()
    private(set) var statements: [String] = []

    init(_ items: [DataSet]) {
        for item in items {
            if let text = item.string(.unformattedTextValue), item.sequence(.conceptNameCodeSequence).isEmpty {
                statements.append(text)
                continue
            }
            guard let concept = item.sequence(.conceptNameCodeSequence).first, let value = item.double(.numericValue),
                  let field = MeasurementField.named([concept.string(.codeMeaning), concept.string(.codeValue)].compactMap { $0 })
            else { continue }
            measurements.record(value, for: field)
        }
        measurements.deriveHeartRate()
    }
}
