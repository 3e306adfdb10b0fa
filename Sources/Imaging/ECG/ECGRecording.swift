/// One lead of a recording: its standard name and samples in microvolts.
public struct Lead: Sendable, Equatable {
    public let name: String
    public var samples: [Int32]

    public init(name: String, samples: [Int32]) {
        self.name = name
        self.samples = samples
    }
}

/// What the cart measured, when it says so. Intervals in milliseconds, axes in degrees.
public struct ECGMeasurements: Sendable, Equatable, Codable {
    public var heartRate: Double?
    public var rr: Double?
    public var pr: Double?
    public var qrs: Double?
    public var qt: Double?
    public var qtc: Double?
    public var pAxis: Double?
    public var qrsAxis: Double?
    public var tAxis: Double?

    public init(heartRate: Double? = nil, rr: Double? = nil, pr: Double? = nil, qrs: Double? = nil, qt: Double? = nil,
                qtc: Double? = nil, pAxis: Double? = nil, qrsAxis: Double? = nil, tAxis: Double? = nil) {
        self.heartRate = heartRate
        self.rr = rr
        self.pr = pr
        self.qrs = qrs
        self.qt = qt
        self.qtc = qtc
        self.pAxis = pAxis
        self.qrsAxis = qrsAxis
        self.tAxis = tAxis
    }

    public var isEmpty: Bool { self == ECGMeasurements() }
}

public struct ECGPatient: Sendable, Equatable {
    public var id: String?
    public var name: String?

    public init(id: String? = nil, name: String? = nil) {
        self.id = id
        self.name = name
    }
}

/// Which file format a recording came from.
public enum ECGSource: String, Sendable, Equatable {
    case dicom, aecg, json
}

/// A parsed ECG, whatever the file format: the leads of one rhythm recording at one sampling rate,
/// with what the cart said about it. Other groups (a DICOM median beat) ride along in `extraGroups`.
public struct ECGRecording: Sendable, Equatable {
    public var source: ECGSource
    public var leads: [Lead]
    /// Samples per second, the same for every lead.
    public var samplingRate: Double
    public var measurements: ECGMeasurements
    public var interpretation: [String]
    /// As the file gives it (ISO 8601 for JSON, DICOM DT or HL7 TS digits otherwise).
    public var acquisitionTime: String?
    public var deviceID: String?
    public var patient: ECGPatient
    public var extraGroups: [ECGWaveformGroup]

    public init(source: ECGSource, leads: [Lead], samplingRate: Double, measurements: ECGMeasurements = ECGMeasurements(),
                interpretation: [String] = [], acquisitionTime: String? = nil, deviceID: String? = nil,
                patient: ECGPatient = ECGPatient(), extraGroups: [ECGWaveformGroup] = []) {
        self.source = source
        self.leads = leads
        self.samplingRate = samplingRate
        self.measurements = measurements
        self.interpretation = interpretation
        self.acquisitionTime = acquisitionTime
        self.deviceID = deviceID
        self.patient = patient
        self.extraGroups = extraGroups
    }

    public var sampleCount: Int { leads.first?.samples.count ?? 0 }

    /// Seconds.
    public var duration: Double { samplingRate > 0 ? Double(sampleCount) / samplingRate : 0 }

    public func lead(_ name: String) -> Lead? { leads.first { $0.name == name } }
}

/// A set of leads sampled together that is not the main rhythm recording (e.g. a median beat).
public struct ECGWaveformGroup: Sendable, Equatable {
    public var label: String
    public var samplingRate: Double
    public var leads: [Lead]

    public init(label: String, samplingRate: Double, leads: [Lead]) {
        self.label = label
        self.samplingRate = samplingRate
        self.leads = leads
    }
}
