/// Beats found in one lead and what follows from them.
public struct RhythmAnalysis: Sendable, Equatable {
    public let lead: String
    public let samplingRate: Double
    /// Sample indices of the R peaks.
    public let rPeaks: [Int]

    public init(lead: String, samplingRate: Double, rPeaks: [Int]) {
        self.lead = lead
        self.samplingRate = samplingRate
        self.rPeaks = rPeaks
    }

    /// Seconds between consecutive R peaks.
    public var rrIntervals: [Double] {
        zip(rPeaks, rPeaks.dropFirst()).map { Double($1 - $0) / samplingRate }
    }

    /// Beats per minute from the mean RR interval; nil with fewer than two beats.
    public var heartRate: Double? {
        let intervals = rrIntervals
        guard !intervals.isEmpty else { return nil }
        return 60 / (intervals.reduce(0, +) / Double(intervals.count))
    }

    /// The longest RR interval in seconds: a pause when long.
    public var longestRR: Double? { rrIntervals.max() }
    public var shortestRR: Double? { rrIntervals.min() }
}
