/// 12-lead and General ECG waveform objects (PS3.3 A.34): each Waveform Sequence item is a
/// multiplex group of channels sampled together, stored interleaved (sample-major). The rhythm
/// recording becomes the leads; other groups (median beats) are kept as extra groups. The
/// 13-channel limit of the 12-lead IOD is not enforced: real carts exceed it (Mortara writes 24).
public enum DICOMWaveformReader {
    public static func read(_ bytes: [UInt8]) throws(ECGError) -> ECGRecording {
        let file: DICOMFile
        do { file = try DICOMFile.read(bytes) } catch { throw .notECG(format: "dicom", reason: error.message) }
        return try read(file.dataSet)
    }

    public static func read(_ dataSet: DataSet) throws(ECGError) -> ECGRecording {
        let items = dataSet.sequence(.waveformSequence)
        guard !items.isEmpty else { throw .notECG(format: "dicom", reason: "the file has no Waveform Sequence (5400,0100)") }
        var groups: [ECGWaveformGroup] = []
        for (index, item) in items.enumerated() {
            groups.append(try group(item, index: index, bigEndian: dataSet.bigEndian))
        }
        // The rhythm group is the one with the most standard leads, then the longest.
        let rhythmIndex = groups.indices.max { lhs, rhs in
            rhythmRank(groups[lhs]) < rhythmRank(groups[rhs])
        } ?? 0
        let rhythm = groups.remove(at: rhythmIndex)
        let annotations = WaveformAnnotations(dataSet.sequence(.waveformAnnotationSequence))
        let serial = dataSet.string(.deviceSerialNumber)
        let model = [dataSet.string(.manufacturer), dataSet.string(.manufacturerModelName)].compactMap { $0 }.joined(separator: " ")
        return ECGRecording(
            source: .dicom,
            leads: try LeadSet.validated(rhythm.leads, samplingRate: rhythm.samplingRate),
            samplingRate: rhythm.samplingRate,
            measurements: annotations.measurements,
            interpretation: annotations.statements,
            acquisitionTime: dataSet.string(.acquisitionDateTime)
                ?? dataSet.string(.contentDate).map { $0 + (dataSet.string(.contentTime) ?? "") },
            deviceID: serial ?? (model.isEmpty ? nil : model),
            patient: ECGPatient(id: dataSet.string(.patientID), name: dataSet.personName(.patientName)?.displayName),
            extraGroups: groups)
    }

    private static func rhythmRank(_ group: ECGWaveformGroup) -> (Int, Int) {
        let standard = Set(LeadName.standard)
        return (group.leads.filter { standard.contains($0.name) }.count, group.leads.first?.samples.count ?? 0)
    }

    private static func group(_ item: DataSet, index: Int, bigEndian: Bool) throws(ECGError) -> ECGWaveformGroup {
        let label = item.string(.multiplexGroupLabel) ?? "group \(index + 1)"
        guard let rate = item.double(.samplingFrequency), rate.isFinite, rate > 0 else {
            throw .badSamplingRate("multiplex group \(label) has no usable Sampling Frequency (003A,001A)")
        }
        let definitions = item.sequence(.channelDefinitionSequence)
        let channels = item.int(.numberOfWaveformChannels) ?? definitions.count
        guard channels > 0, definitions.count == channels else {
            throw .noLeads("multiplex group \(label) declares \(channels) channels but defines \(definitions.count)")
        }
        guard let samples = item.int(.numberOfWaveformSamples), samples > 0 else {
            throw .noLeads("multiplex group \(label) has no Number of Waveform Samples (003A,0010)")
        }
        let bits = item.int(.waveformBitsAllocated) ?? 16
        let interpretation = item.string(.waveformSampleInterpretation) ?? "SS"
        guard [("SS", 16), ("US", 16), ("SB", 8), ("UB", 8)].contains(where: { $0 == (interpretation, bits) }) else {
            throw .unsupported("waveform samples of \(bits) bits interpreted as \(interpretation) in group \(label)")
        }
        let data = item.bytes(.waveformData) ?? []
        let width = bits / 8
        guard data.count >= channels * samples * width else {
            throw .truncated("group \(label) needs \(channels * samples * width) bytes of Waveform Data and has \(data.count)")
        }
        let raw = WaveformSamples(data: data, interpretation: interpretation, bigEndian: bigEndian)
        var leads: [Lead] = []
        for (channel, definition) in definitions.enumerated() {
            let scale = try ChannelScale(definition, label: label)
            var values = [Int32](repeating: 0, count: samples)
            for sample in 0..<samples {
                values[sample] = scale.microvolts(raw[sample * channels + channel])
            }
            let source = definition.sequence(.channelSourceSequence).first
            let name = source?.string(.codeMeaning) ?? source?.string(.codeValue) ?? "channel \(channel + 1)"
            leads.append(Lead(name: LeadName.normalised(name), samples: values))
        }
        return ECGWaveformGroup(label: label, samplingRate: rate, leads: leads)
    }
}

/// Interleaved stored sample values, read on demand in the data set's byte order.
private struct WaveformSamples {
    let data: [UInt8]
    let interpretation: String
    let bigEndian: Bool

    subscript(index: Int) -> Int {
        switch interpretation {
        case "SB": return Int(Int8(bitPattern: data[index]))
        case "UB": return Int(data[index])
        default:
            let first = UInt16(data[2 * index]), second = UInt16(data[2 * index + 1])
            let word = bigEndian ? first << 8 | second : second << 8 | first
            return interpretation == "US" ? Int(word) : Int(Int16(bitPattern: word))
        }
    }
}

/// Stored value to microvolts: value × sensitivity × correction + baseline, in the channel's
/// sensitivity units (PS3.3 C.10.9.1.4.3; pydicom computes the same).
private struct ChannelScale {
    let factor: Double
    let baseline: Double
    let toMicrovolts: Double

    init(_ definition: DataSet, label: String) throws(ECGError) {
        factor = (definition.double(.channelSensitivity) ?? 1) * (definition.double(.channelSensitivityCorrectionFactor) ?? 1)
        baseline = definition.double(.channelBaseline) ?? 0
        let unit = definition.sequence(.channelSensitivityUnitsSequence).first?.string(.codeValue) ?? "uV"
        switch unit {
        case "uV", "µV": toMicrovolts = 1
        case "mV": toMicrovolts = 1_000
        case "V": toMicrovolts = 1_000_000
        default: throw .unsupported("channel sensitivity unit \(unit) in group \(label)")
        }
    }

    func microvolts(_ stored: Int) -> Int32 {
        Int32(clamping: Int(((Double(stored) * factor + baseline) * toMicrovolts).rounded()))
    }
}
