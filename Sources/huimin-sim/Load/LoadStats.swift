import Foundation

/// Latencies and outcomes of a load run, and how they are reported.
struct LoadStats: Sendable, Equatable {
    /// Seconds, unsorted.
    private(set) var latencies: [Double] = []
    /// Count per outcome: `created`, `replayed`, or the error code (`slot_full`, `channel_timeout` …).
    private(set) var outcomes: [String: Int] = [:]

    mutating func record(_ outcome: String, seconds: Double) {
        latencies.append(seconds)
        outcomes[outcome, default: 0] += 1
    }

    mutating func merge(_ other: LoadStats) {
        latencies += other.latencies
        outcomes.merge(other.outcomes, uniquingKeysWith: +)
    }

    var count: Int { latencies.count }

    /// The nearest-rank percentile (p in 0...100) in milliseconds; 0 with no samples.
    func percentile(_ p: Double) -> Double {
        Self.percentile(p, sorted: latencies.sorted())
    }

    static func percentile(_ p: Double, sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1] * 1000
    }

    /// `p50 1.2 ms, p95 …, p99 …, max …` in one line.
    func latencyLine() -> String {
        let sorted = latencies.sorted()
        let parts = [("p50", 50.0), ("p90", 90), ("p95", 95), ("p99", 99), ("max", 100)].map { name, p in
            "\(name) \(String(format: "%.1f", Self.percentile(p, sorted: sorted))) ms"
        }
        return parts.joined(separator: ", ")
    }

    /// Outcomes largest first, e.g. `created 500, slot_full 1500`.
    func outcomeLine() -> String {
        outcomes.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    func summary() -> JSONValue {
        let sorted = latencies.sorted()
        return .object([
            "requests": .number(Double(count)),
            "outcomes": .object(outcomes.mapValues { .number(Double($0)) }),
            "latencyMs": .object(["p50": 50.0, "p90": 90, "p95": 95, "p99": 99, "max": 100].mapValues {
                .number((Self.percentile($0, sorted: sorted) * 100).rounded() / 100)
            }),
        ])
    }
}
