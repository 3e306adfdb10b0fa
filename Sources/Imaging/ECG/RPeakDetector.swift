import Foundation

/// R-peak detection after Pan and Tompkins (1985): band-pass 5–15 Hz, derivative, squaring and
/// a 150 ms moving-window integration turn each QRS into one energy bump; adaptive signal and
/// noise levels set the threshold, a 200 ms refractory period and a T-wave slope test reject
/// what follows a beat, and a search back at half threshold recovers beats missed after an RR
/// 1.66 times the recent mean.
public enum RPeakDetector {
    /// Leads in the order they are tried: II has the tallest R in most people, the others stand in
    /// when a cart did not send it.
    public static let preferredLeads = ["II", "V5", "I", "V6", "V4", "aVF", "V2", "V3", "III", "V1", "aVL", "aVR"]

    /// Beats in the first preferred lead the recording has (or its first lead).
    public static func analyse(_ recording: ECGRecording) -> RhythmAnalysis? {
        guard let lead = preferredLeads.lazy.compactMap({ recording.lead($0) }).first ?? recording.leads.first else { return nil }
        return RhythmAnalysis(lead: lead.name, samplingRate: recording.samplingRate,
                              rPeaks: detect(lead.samples, samplingRate: recording.samplingRate))
    }

    /// Sample indices of the R peaks in `samples` (µV).
    public static func detect(_ samples: [Int32], samplingRate rate: Double) -> [Int] {
        guard samples.count > Int(rate), rate > 0 else { return [] }
        let first = Double(samples[0])
        // Starting from zero keeps the filters from ringing at the first sample.
        var signal = samples.map { Double($0) - first }
        signal = Biquad.highPass(5, rate: rate).zeroPhase(signal)
        signal = Biquad.lowPass(15, rate: rate).zeroPhase(signal)
        let slope = derivative(signal, rate: rate)
        let energy = movingAverage(slope.map { $0 * $0 }, width: max(1, Int(0.15 * rate)))
        let beats = BeatThresholds(energy: energy, slope: slope, rate: rate).beats()
        return refine(beats, in: signal, rate: rate)
    }

    /// Five-point central difference, in µV per second.
    private static func derivative(_ x: [Double], rate: Double) -> [Double] {
        var out = [Double](repeating: 0, count: x.count)
        guard x.count > 4 else { return out }
        for index in 2..<(x.count - 2) {
            out[index] = (-x[index - 2] - 2 * x[index - 1] + 2 * x[index + 1] + x[index + 2]) * rate / 8
        }
        return out
    }

    /// Centred moving average, so energy peaks line up with the QRS rather than trailing it.
    private static func movingAverage(_ x: [Double], width: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: x.count + 1)
        for index in x.indices { sums[index + 1] = sums[index] + x[index] }
        let half = width / 2
        return x.indices.map { index in
            let low = max(0, index - half), high = min(x.count, index + width - half)
            return (sums[high] - sums[low]) / Double(high - low)
        }
    }

    /// Moves each detection to the largest deflection of the filtered signal within 100 ms. A
    /// peak within half a QRS width of either end belongs to a beat the recording cut, whose true
    /// position is unknown, and is dropped rather than shortening the first or last RR interval.
    private static func refine(_ beats: [Int], in signal: [Double], rate: Double) -> [Int] {
        let reach = Int(0.1 * rate), refractory = Int(0.2 * rate), edge = Int(0.06 * rate)
        var peaks: [Int] = []
        for beat in beats {
            let window = max(0, beat - reach)...min(signal.count - 1, beat + reach)
            let peak = window.max { abs(signal[$0]) < abs(signal[$1]) } ?? beat
            guard peak >= edge, peak < signal.count - edge else { continue }
            if let last = peaks.last, peak - last < refractory { continue }
            peaks.append(peak)
        }
        return peaks
    }
}

/// A second-order Butterworth section (bilinear transform, Q = 1/√2).
private struct Biquad {
    let b0, b1, b2, a1, a2: Double

    static func lowPass(_ cutoff: Double, rate: Double) -> Biquad {
        let (cosine, alpha) = terms(cutoff, rate: rate)
        return Biquad(b: ((1 - cosine) / 2, 1 - cosine, (1 - cosine) / 2), cosine: cosine, alpha: alpha)
    }

    static func highPass(_ cutoff: Double, rate: Double) -> Biquad {
        let (cosine, alpha) = terms(cutoff, rate: rate)
        return Biquad(b: ((1 + cosine) / 2, -(1 + cosine), (1 + cosine) / 2), cosine: cosine, alpha: alpha)
    }

    private static func terms(_ cutoff: Double, rate: Double) -> (Double, Double) {
        let omega = 2 * Double.pi * min(cutoff, rate * 0.45) / rate
        return (cos(omega), sin(omega) / (2 * 2.0.squareRoot() / 2))
    }

    private init(b: (Double, Double, Double), cosine: Double, alpha: Double) {
        let a0 = 1 + alpha
        (b0, b1, b2) = (b.0 / a0, b.1 / a0, b.2 / a0)
        (a1, a2) = (-2 * cosine / a0, (1 - alpha) / a0)
    }

    /// Forward then backward, so the filter adds no delay.
    func zeroPhase(_ x: [Double]) -> [Double] {
        Array(run(Array(run(x).reversed())).reversed())
    }

    private func run(_ x: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: x.count)
        var (x1, x2, y1, y2) = (0.0, 0.0, 0.0, 0.0)
        for index in x.indices {
            let y = b0 * x[index] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            (x2, x1, y2, y1) = (x1, x[index], y1, y)
            out[index] = y
        }
        return out
    }
}
