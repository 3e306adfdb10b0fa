import Foundation

/// 危急值 (critical-value) rules for ECGs, as data so a region can tune them: rate limits, the
/// longest pause, and cart statements naming life-threatening rhythms. The rules only flag; a
/// physician confirms (as every provincial standard requires), and the caller raises the alert.
public struct CriticalRules: Codable, Sendable, Equatable {
    /// A rate above this (bpm) is critical.
    public var maxHeartRate: Double
    /// A rate below this (bpm) is critical.
    public var minHeartRate: Double
    /// An RR interval longer than this (seconds) is a critical pause.
    public var maxPause: Double
    public var statements: [StatementRule]
    /// Words that, before a keyword in the same statement, deny it ("no ST elevation", "未见室速").
    public var negations: [String]

    public init(maxHeartRate: Double = 150, minHeartRate: Double = 40, maxPause: Double = 3.0,
                statements: [StatementRule] = StatementRule.defaults, negations: [String] = CriticalRules.defaultNegations) {
        self.maxHeartRate = maxHeartRate
        self.minHeartRate = minHeartRate
        self.maxPause = maxPause
        self.statements = statements
        self.negations = negations
    }

    /// A configuration may set only what it changes; the rest keeps the defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = CriticalRules()
        maxHeartRate = try container.decodeIfPresent(Double.self, forKey: .maxHeartRate) ?? defaults.maxHeartRate
        minHeartRate = try container.decodeIfPresent(Double.self, forKey: .minHeartRate) ?? defaults.minHeartRate
        maxPause = try container.decodeIfPresent(Double.self, forKey: .maxPause) ?? defaults.maxPause
        statements = try container.decodeIfPresent([StatementRule].self, forKey: .statements) ?? defaults.statements
        negations = try container.decodeIfPresent([String].self, forKey: .negations) ?? defaults.negations
    }

    public static let defaultNegations = ["no ", "not ", "without ", "absence of ", "rule out ", "无", "未见", "排除", "除外"]

    /// Findings for one recording. The measured rhythm wins over the cart's rate when both exist:
    /// it is computed the same way for every make of cart.
    public func evaluate(_ recording: ECGRecording, rhythm: RhythmAnalysis?) -> [CriticalFinding] {
        var findings: [CriticalFinding] = []
        if let rate = rhythm?.heartRate ?? recording.measurements.heartRate {
            let shown = Int(rate.rounded())
            if rate > maxHeartRate {
                findings.append(CriticalFinding(code: "heart_rate_high", text: "Heart rate \(shown) bpm is above \(Self.number(maxHeartRate)) bpm (心率过快)"))
            } else if rate < minHeartRate {
                findings.append(CriticalFinding(code: "heart_rate_low", text: "Heart rate \(shown) bpm is below \(Self.number(minHeartRate)) bpm (心率过缓)"))
            }
        }
        if let pause = rhythm?.longestRR, pause > maxPause {
            findings.append(CriticalFinding(code: "pause", text: "Pause of \(Self.number((pause * 100).rounded() / 100)) s is longer than \(Self.number(maxPause)) s (长RR间期)"))
        }
        for rule in statements {
            if let statement = recording.interpretation.first(where: { rule.matches($0, negations: negations) }) {
                findings.append(CriticalFinding(code: rule.code, text: "\(rule.title): cart statement \"\(statement)\""))
            }
        }
        return findings
    }

    private static func number(_ value: Double) -> String {
        value.rounded() == value ? String(Int(value)) : String(value)
    }
}

/// A rule over the cart's interpretation statements: any keyword, matched case-insensitively on
/// word boundaries (so "supraventricular tachycardia" is not "ventricular tachycardia").
public struct StatementRule: Codable, Sendable, Equatable {
    public var code: String
    public var title: String
    public var keywords: [String]

    public init(code: String, title: String, keywords: [String]) {
        self.code = code
        self.title = title
        self.keywords = keywords
    }

    public static let defaults = [
        StatementRule(code: "ventricular_fibrillation", title: "Ventricular fibrillation or flutter (室颤/室扑)",
                      keywords: ["ventricular fibrillation", "ventricular flutter", "v-fib", "室颤", "心室颤动", "室扑", "心室扑动"]),
        StatementRule(code: "ventricular_tachycardia", title: "Ventricular tachycardia (室速)",
                      keywords: ["ventricular tachycardia", "torsade", "torsades de pointes", "室速", "室性心动过速", "尖端扭转"]),
        StatementRule(code: "third_degree_av_block", title: "Third-degree AV block (三度房室传导阻滞)",
                      keywords: ["third degree av block", "third-degree av block", "3rd degree av block", "complete heart block",
                                 "complete av block", "三度房室传导阻滞", "Ⅲ度房室传导阻滞", "III度房室传导阻滞", "完全性房室传导阻滞"]),
        StatementRule(code: "st_elevation", title: "Acute ST elevation (急性ST段抬高)",
                      keywords: ["st elevation", "st-elevation", "stemi", "acute myocardial infarction", "acute mi", "st段抬高", "急性心肌梗死"]),
    ]

    func matches(_ statement: String, negations: [String]) -> Bool {
        let text = statement.lowercased()
        for keyword in keywords.map({ $0.lowercased() }) {
            var searchStart = text.startIndex
            while let range = text.range(of: keyword, range: searchStart..<text.endIndex) {
                searchStart = range.upperBound
                guard Self.isBoundary(text, before: range.lowerBound), Self.isBoundary(text, after: range.upperBound) else { continue }
                let before = text[..<range.lowerBound]
                if !negations.contains(where: { before.contains($0.lowercased()) }) { return true }
            }
        }
        return false
    }

    /// Latin letters joined to a keyword make another word; Chinese has no spaces, so any
    /// neighbour of a Chinese keyword is fine.
    private static func isBoundary(_ text: String, before index: String.Index) -> Bool {
        index == text.startIndex || !text[text.index(before: index)].isASCIILetter
    }

    private static func isBoundary(_ text: String, after index: String.Index) -> Bool {
        index == text.endIndex || !text[index].isASCIILetter
    }
}

/// One critical finding: a stable code for machines and a sentence for the alert.
public struct CriticalFinding: Codable, Sendable, Equatable {
    public let code: String
    public let text: String

    public init(code: String, text: String) {
        self.code = code
        self.text = text
    }
}

private extension Character {
    var isASCIILetter: Bool { isASCII && isLetter }
}
