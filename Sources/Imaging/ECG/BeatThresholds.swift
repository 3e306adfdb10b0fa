/// Pan–Tompkins' decision rules over the integrated energy: adaptive signal (SPKI) and noise
/// (NPKI) peak levels, threshold NPKI + 0.25 (SPKI − NPKI), the T-wave test and the search back.
struct BeatThresholds {
    let energy: [Double]
    let slope: [Double]
    let rate: Double

    private var refractory: Int { Int(0.2 * rate) }

    func beats() -> [Int] {
        let candidates = peaks()
        guard !candidates.isEmpty else { return [] }
        // Levels learnt from the first seconds, which hold at least one beat above 20 bpm.
        let learning = energy.prefix(min(energy.count, Int(3 * rate)))
        var signalLevel = 0.35 * (learning.max() ?? 0)
        var noiseLevel = 0.5 * learning.reduce(0, +) / Double(learning.count)
        var threshold: Double { noiseLevel + 0.25 * (signalLevel - noiseLevel) }

        var beats: [Int] = []
        var missed: [Int] = []
        for candidate in candidates {
            if let last = beats.last, let mean = meanRR(beats), Double(candidate - last) > 1.66 * mean,
               let recovered = missed.filter({ $0 - last > refractory && candidate - $0 > refractory && energy[$0] > threshold / 2 })
                   .max(by: { energy[$0] < energy[$1] }) {
                beats.append(recovered)
                signalLevel = 0.25 * energy[recovered] + 0.75 * signalLevel
            }
            if energy[candidate] > threshold, !isTWave(candidate, after: beats.last) {
                beats.append(candidate)
                signalLevel = 0.125 * energy[candidate] + 0.875 * signalLevel
                missed.removeAll()
            } else {
                missed.append(candidate)
                noiseLevel = 0.125 * energy[candidate] + 0.875 * noiseLevel
            }
        }
        return beats
    }

    /// Local maxima of the energy, at most one per refractory period (the larger wins).
    private func peaks() -> [Int] {
        var peaks: [Int] = []
        guard energy.count > 2 else { return peaks }
        for index in 1..<(energy.count - 1) where energy[index] > energy[index - 1] && energy[index] >= energy[index + 1] {
            if let last = peaks.last, index - last < refractory {
                if energy[index] > energy[last] { peaks[peaks.count - 1] = index }
            } else {
                peaks.append(index)
            }
        }
        return peaks
    }

    /// Within 360 ms of a beat, a bump with less than half the beat's steepest slope is its T wave.
    private func isTWave(_ candidate: Int, after beat: Int?) -> Bool {
        guard let beat, Double(candidate - beat) < 0.36 * rate else { return false }
        return steepest(around: candidate) < 0.5 * steepest(around: beat)
    }

    private func steepest(around index: Int) -> Double {
        let reach = Int(0.075 * rate)
        return (max(0, index - reach)...min(slope.count - 1, index + reach)).reduce(0) { max($0, abs(slope[$1])) }
    }

    /// Mean of the last eight RR intervals, in samples.
    private func meanRR(_ beats: [Int]) -> Double? {
        guard beats.count >= 2 else { return nil }
        let recent = beats.suffix(9)
        return Double(recent.last! - recent.first!) / Double(recent.count - 1)
    }
}
