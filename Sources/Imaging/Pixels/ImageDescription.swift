/// The image pixel module of a data set (PS3.3 C.7.6.3) with the presentation attributes that turn
/// stored values into grey levels or colours (C.11). Reading it validates the combination, so the
/// decoders can trust it.
public struct ImageDescription: Sendable {
    public let rows: Int
    public let columns: Int
    public let samplesPerPixel: Int
    public let photometric: PhotometricInterpretation
    public let bitsAllocated: Int
    public let bitsStored: Int
    public let highBit: Int
    public let isSigned: Bool
    /// Planar configuration 1: all of one sample's values, then the next sample's (RR..GG..BB..).
    public let isPlanar: Bool
    public let numberOfFrames: Int
    public let rescaleSlope: Double
    public let rescaleIntercept: Double
    public let modalityLUT: LookupTable?
    /// The file's windows, first one first; explanations name presets such as "LUNG".
    public let windows: [Window]
    public let voiLUT: LookupTable?
    public let palette: (red: LookupTable, green: LookupTable, blue: LookupTable)?
    /// Whether binary values (LUT data) are big-endian in the data set.
    let bigEndian: Bool

    public var pixelCount: Int { rows * columns }

    public init(_ dataSet: DataSet) throws(RenderError) {
        func required(_ tag: Tag, _ name: String) throws(RenderError) -> Int {
            guard let value = dataSet.int(tag) else { throw .missingAttribute(name) }
            return value
        }
        rows = try required(.rows, "Rows")
        columns = try required(.columns, "Columns")
        bitsAllocated = try required(.bitsAllocated, "BitsAllocated")
        samplesPerPixel = dataSet.int(.samplesPerPixel) ?? 1
        bitsStored = dataSet.int(.bitsStored) ?? bitsAllocated
        highBit = dataSet.int(.highBit) ?? bitsStored - 1
        isSigned = dataSet.int(.pixelRepresentation) == 1
        isPlanar = samplesPerPixel > 1 && dataSet.int(.planarConfiguration) == 1
        numberOfFrames = max(dataSet.int(.numberOfFrames) ?? 1, 1)
        bigEndian = dataSet.bigEndian

        let photometricText = dataSet.string(.photometricInterpretation) ?? (samplesPerPixel == 3 ? "RGB" : "MONOCHROME2")
        guard let photometric = PhotometricInterpretation(rawValue: photometricText.uppercased()) else {
            throw .unsupported("photometric interpretation \(photometricText)")
        }
        self.photometric = photometric

        guard rows > 0, columns > 0 else { throw .invalid("image is \(columns)x\(rows)") }
        guard [1, 8, 16, 32].contains(bitsAllocated) else { throw .unsupported("BitsAllocated \(bitsAllocated)") }
        guard (1...bitsAllocated).contains(bitsStored) else {
            throw .invalid("BitsStored \(bitsStored) with BitsAllocated \(bitsAllocated)")
        }
        guard highBit == bitsStored - 1 else {
            // Pixel cells whose stored bits do not start at bit 0 went out with the 2004 retirements.
            throw .unsupported("HighBit \(highBit) with BitsStored \(bitsStored)")
        }
        let expectedSamples = photometric.isMonochrome || photometric == .paletteColor ? 1 : 3
        guard samplesPerPixel == expectedSamples else {
            throw .invalid("\(photometric.rawValue) with SamplesPerPixel \(samplesPerPixel)")
        }

        // Enhanced multi-frame objects move rescale and window into the functional groups (C.7.6.16).
        let groups = Self.functionalGroups(dataSet)
        let rescaleSource = groups.first { $0.double(.rescaleSlope) != nil || $0.double(.rescaleIntercept) != nil } ?? dataSet
        rescaleSlope = rescaleSource.double(.rescaleSlope) ?? 1
        rescaleIntercept = rescaleSource.double(.rescaleIntercept) ?? 0
        let windowSource = groups.first { !$0.doubles(.windowCenter).isEmpty } ?? dataSet
        windows = Self.windows(windowSource)

        modalityLUT = try dataSet.sequence(.modalityLUTSequence).first.map { item throws(RenderError) in
            try Self.table(item, bigEndian: dataSet.bigEndian, signed: dataSet.int(.pixelRepresentation) == 1, name: "Modality LUT")
        }
        // The VOI LUT input is the modality output, signed when the modality values may be negative.
        voiLUT = try dataSet.sequence(.voiLUTSequence).first.map { item throws(RenderError) in
            try Self.table(item, bigEndian: dataSet.bigEndian, signed: dataSet.int(.pixelRepresentation) == 1, name: "VOI LUT")
        }
        if photometric == .paletteColor {
            func channel(_ descriptor: Tag, _ data: Tag, _ name: String) throws(RenderError) -> LookupTable {
                let signed = dataSet.int(.pixelRepresentation) == 1
                if let bytes = dataSet.bytes(data) {
                    return try LookupTable(descriptor: dataSet.ints(descriptor), data: bytes, bigEndian: dataSet.bigEndian,
                                           signedInput: signed, name: "\(name) palette")
                }
                // Segmented data (0028,1221-1223) sits 0x20 elements after the plain data tags.
                guard let segmented = dataSet.bytes(Tag(data.group, data.element + 0x20)) else {
                    throw .missingAttribute("\(name) Palette Color LUT Data")
                }
                let entries = try SegmentedLUT.expand(segmented, bigEndian: dataSet.bigEndian, name: "\(name) palette")
                let values = dataSet.ints(descriptor)
                guard values.count == 3, !entries.isEmpty else { throw .invalid("\(name) palette descriptor or segments") }
                let first = signed ? Int(Int16(truncatingIfNeeded: values[1])) : values[1] & 0xFFFF
                return LookupTable(firstMapped: first, bitsPerEntry: values[2], entries: entries)
            }
            palette = (try channel(.redPaletteDescriptor, .redPaletteData, "Red"),
                       try channel(.greenPaletteDescriptor, .greenPaletteData, "Green"),
                       try channel(.bluePaletteDescriptor, .bluePaletteData, "Blue"))
        } else {
            palette = nil
        }
    }

    /// Bits one native frame occupies. Native YBR_FULL_422 stores two samples per pixel: each pair
    /// of pixels shares one Cb and one Cr (PS3.3 C.7.6.3.1.2).
    public var nativeFrameBits: Int {
        pixelCount * (photometric == .ybrFull422 ? 2 : samplesPerPixel) * bitsAllocated
    }

    /// The shared functional group item's nested items, then the first frame's.
    private static func functionalGroups(_ dataSet: DataSet) -> [DataSet] {
        let shared = dataSet.sequence(Tag(0x5200, 0x9229)).first
        let perFrame = dataSet.sequence(Tag(0x5200, 0x9230)).first
        let voi = Tag(0x0028, 0x9132), transformation = Tag(0x0028, 0x9145)
        return [shared, perFrame].compactMap { $0 }.flatMap { item in
            item.sequence(voi).prefix(1) + item.sequence(transformation).prefix(1)
        }
    }

    private static func windows(_ source: DataSet) -> [Window] {
        let centers = source.doubles(.windowCenter), widths = source.doubles(.windowWidth)
        let function = VOIFunction(rawValue: source.string(.voiLUTFunction)?.uppercased() ?? "") ?? .linear
        let explanations = source.strings(Tag(0x0028, 0x1055))
        return zip(centers, widths).enumerated().compactMap { index, pair in
            guard pair.1 > 0 else { return nil }
            let name = index < explanations.count && !explanations[index].isEmpty ? explanations[index] : nil
            return Window(center: pair.0, width: pair.1, function: function, explanation: name)
        }
    }

    private static func table(_ item: DataSet, bigEndian: Bool, signed: Bool, name: String) throws(RenderError) -> LookupTable {
        guard let data = item.bytes(.lutData) else { throw .missingAttribute("\(name) Data") }
        return try LookupTable(descriptor: item.ints(.lutDescriptor), data: data, bigEndian: bigEndian, signedInput: signed, name: name)
    }
}
