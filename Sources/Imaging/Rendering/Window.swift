#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The VOI LUT Function (0028,1056) that shapes a window (PS3.3 C.11.2.1.3).
public enum VOIFunction: String, Sendable {
    case linear = "LINEAR"
    case linearExact = "LINEAR_EXACT"
    case sigmoid = "SIGMOID"
}

/// A VOI window over modality values: center, width and the function between them.
public struct Window: Sendable, Equatable {
    public var center: Double
    public var width: Double
    public var function: VOIFunction
    /// The file's Window Center & Width Explanation (0028,1055), e.g. "BONE".
    public var explanation: String?

    public init(center: Double, width: Double, function: VOIFunction = .linear, explanation: String? = nil) {
        self.center = center
        self.width = width
        self.function = function
        self.explanation = explanation
    }

    public init(_ preset: CTWindowPreset) {
        self.init(center: preset.center, width: preset.width, explanation: preset.rawValue)
    }

    /// The displayed level in 0...255 for a modality value (C.11.2.1.2.1, C.11.2.1.3.1–2).
    @inline(__always)
    public func level(_ value: Double) -> UInt8 {
        let fraction: Double
        switch function {
        case .linear:
            // Width 1 is legal for LINEAR and degenerates to a threshold at c - 0.5.
            let span = max(width - 1, 0)
            let low = center - 0.5 - span / 2
            if value <= low { return 0 }
            if value > center - 0.5 + span / 2 { return 255 }
            fraction = span == 0 ? 1 : (value - (center - 0.5)) / span + 0.5
        case .linearExact:
            if value <= center - width / 2 { return 0 }
            if value > center + width / 2 { return 255 }
            fraction = (value - center) / width + 0.5
        case .sigmoid:
            fraction = 1 / (1 + exp(-4 * (value - center) / width))
        }
        return UInt8(min(max(fraction * 255, 0), 255).rounded())
    }
}

/// Common CT windows in Hounsfield units (width / level as radiology departments set them).
public enum CTWindowPreset: String, Sendable, CaseIterable {
    case lung = "LUNG"
    case mediastinum = "MEDIASTINUM"
    case bone = "BONE"
    case brain = "BRAIN"
    case abdomen = "ABDOMEN"

    public var center: Double {
        switch self {
        case .lung: -600
        case .mediastinum: 50
        case .bone: 400
        case .brain: 40
        case .abdomen: 50
        }
    }

    public var width: Double {
        switch self {
        case .lung: 1500
        case .mediastinum: 350
        case .bone: 1800
        case .brain: 80
        case .abdomen: 400
        }
    }
}
