/// Where things sit on the page, in millimetres from the top-left corner, and their conversion to
/// pixels at one resolution.
struct SheetLayout {
    static let pageWidth = 297.0
    static let pageHeight = 210.0
    static let paperSpeed = 25.0        // mm per second
    static let gain = 10.0 / 1_000      // mm per µV (10 mm/mV)
    static let stripSeconds = 10.0

    static let headerTop = 5.0
    static let headerLineHeight = 5.0
    static let gridLeft = 5.0
    static let gridRight = 292.0
    static let gridTop = 22.0
    static let gridBottom = 205.0
    static let calibrationLeft = 10.0
    static let traceLeft = 21.0
    static let firstBaseline = 50.0
    static let rowPitch = 42.0

    let pixelsPerMM: Double

    static func baseline(row: Int) -> Double { firstBaseline + Double(row) * rowPitch }

    func pixels(_ millimetres: Double) -> Int { Int((millimetres * pixelsPerMM).rounded()) }

    /// Grid lines every millimetre (every 5 mm when minor lines are off), majors every 5 mm
    /// counted from `start`.
    func gridLines(from start: Double, to end: Double, minor: Bool) -> [(position: Int, major: Bool)] {
        let step = minor ? 1 : 5
        return stride(from: 0, through: Int(end - start), by: step).map { (pixels(start + Double($0)), $0 % 5 == 0) }
    }

    /// 1 mV for 200 ms, with 2 mm of baseline either side: 10 mm tall and 5 mm wide on paper.
    func calibrationPulse(baseline: Double) -> [(x: Double, y: Double)] {
        let left = Self.calibrationLeft, top = baseline - 1_000 * Self.gain, right = left + 2 + 0.2 * Self.paperSpeed
        return [(left, baseline), (left + 2, baseline), (left + 2, top), (right, top), (right, baseline), (right + 2, baseline)]
            .map { ($0.0 * pixelsPerMM, $0.1 * pixelsPerMM) }
    }

    /// The short tick that marks where one 2.5 s column ends and the next lead begins.
    func columnMarker(x: Double, baseline: Double) -> [(x: Double, y: Double)] {
        [(x * pixelsPerMM, (baseline - 3) * pixelsPerMM), (x * pixelsPerMM, (baseline + 3) * pixelsPerMM)]
    }

    /// The samples from `from` for `seconds`, as pixel points: time across at paper speed, µV up
    /// at the gain, around `baseline`.
    func trace(_ samples: [Int32], offset: Double, rate: Double, from: Double, seconds: Double, left: Double,
               baseline: Double) -> [(x: Double, y: Double)] {
        let first = Int((from * rate).rounded()), last = min(samples.count, Int(((from + seconds) * rate).rounded()))
        guard first < last else { return [] }
        let xPerSample = Self.paperSpeed / rate * pixelsPerMM, yPerMicrovolt = Self.gain * pixelsPerMM
        let x0 = left * pixelsPerMM, y0 = baseline * pixelsPerMM
        return (first..<last).map { index in
            (x0 + Double(index - first) * xPerSample, y0 - (Double(samples[index]) - offset) * yPerMicrovolt)
        }
    }
}
