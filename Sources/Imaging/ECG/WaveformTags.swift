/// The waveform attributes (PS3.3 C.10.9, C.10.10) the ECG reader uses.
extension Tag {
    static let acquisitionDateTime = Tag(0x0008, 0x002A)
    static let contentDate = Tag(0x0008, 0x0023)
    static let contentTime = Tag(0x0008, 0x0033)
    static let manufacturer = Tag(0x0008, 0x0070)
    static let manufacturerModelName = Tag(0x0008, 0x1090)
    static let codeValue = Tag(0x0008, 0x0100)
    static let codeMeaning = Tag(0x0008, 0x0104)
    static let deviceSerialNumber = Tag(0x0018, 0x1000)

    static let waveformOriginality = Tag(0x003A, 0x0004)
    static let numberOfWaveformChannels = Tag(0x003A, 0x0005)
    static let numberOfWaveformSamples = Tag(0x003A, 0x0010)
    static let samplingFrequency = Tag(0x003A, 0x001A)
    static let multiplexGroupLabel = Tag(0x003A, 0x0020)
    static let channelDefinitionSequence = Tag(0x003A, 0x0200)
    static let channelSourceSequence = Tag(0x003A, 0x0208)
    static let channelSensitivity = Tag(0x003A, 0x0210)
    static let channelSensitivityUnitsSequence = Tag(0x003A, 0x0211)
    static let channelSensitivityCorrectionFactor = Tag(0x003A, 0x0212)
    static let channelBaseline = Tag(0x003A, 0x0213)

    static let measurementUnitsCodeSequence = Tag(0x0040, 0x08EA)
    static let conceptNameCodeSequence = Tag(0x0040, 0xA043)
    static let numericValue = Tag(0x0040, 0xA30A)
    static let waveformAnnotationSequence = Tag(0x0040, 0xB020)
    static let unformattedTextValue = Tag(0x0070, 0x0006)

    static let waveformBitsAllocated = Tag(0x5400, 0x1004)
    static let waveformSampleInterpretation = Tag(0x5400, 0x1006)
    static let waveformData = Tag(0x5400, 0x1010)
}
