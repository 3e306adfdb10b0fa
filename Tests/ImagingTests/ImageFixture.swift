import Imaging

/// Data sets built in memory with exactly the pixel module a test needs.
struct ImageFixture {
    var rows = 1
    var columns = 1
    var samplesPerPixel = 1
    var photometric = "MONOCHROME2"
    var bitsAllocated = 8
    var bitsStored: Int?
    var signed = false
    var planar = false
    var frames = 1
    var extra: [DataElement] = []

    func dataSet(_ pixelData: DataElement.Value, bigEndian: Bool = false) -> DataSet {
        var dataSet = DataSet(bigEndian: bigEndian)
        dataSet.set(Self.us(.rows, rows, bigEndian))
        dataSet.set(Self.us(.columns, columns, bigEndian))
        dataSet.set(Self.us(.samplesPerPixel, samplesPerPixel, bigEndian))
        dataSet.set(Self.us(.bitsAllocated, bitsAllocated, bigEndian))
        dataSet.set(Self.us(.bitsStored, bitsStored ?? bitsAllocated, bigEndian))
        dataSet.set(Self.us(.highBit, (bitsStored ?? bitsAllocated) - 1, bigEndian))
        dataSet.set(Self.us(.pixelRepresentation, signed ? 1 : 0, bigEndian))
        if samplesPerPixel > 1 { dataSet.set(Self.us(.planarConfiguration, planar ? 1 : 0, bigEndian)) }
        dataSet.set(Self.text(.photometricInterpretation, .CS, photometric))
        if frames > 1 { dataSet.set(Self.text(.numberOfFrames, .IS, String(frames))) }
        dataSet.set(DataElement(tag: .pixelData, vr: bitsAllocated > 8 ? .OW : .OB, value: pixelData))
        for element in extra { dataSet.set(element) }
        return dataSet
    }

    /// 16-bit samples as little-endian bytes.
    static func words(_ values: [Int]) -> [UInt8] {
        values.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    }

    static func us(_ tag: Tag, _ values: Int..., bigEndian: Bool = false) -> DataElement {
        us(tag, values, bigEndian)
    }

    static func us(_ tag: Tag, _ value: Int, _ bigEndian: Bool) -> DataElement { us(tag, [value], bigEndian) }

    static func us(_ tag: Tag, _ values: [Int], _ bigEndian: Bool) -> DataElement {
        let bytes = values.flatMap { value -> [UInt8] in
            let pair = [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)]
            return bigEndian ? pair.reversed() : pair
        }
        return DataElement(tag: tag, vr: .US, value: .bytes(bytes))
    }

    static func text(_ tag: Tag, _ vr: VR, _ value: String) -> DataElement {
        var bytes = Array(value.utf8)
        if bytes.count % 2 == 1 { bytes.append(0x20) }
        return DataElement(tag: tag, vr: vr, value: .bytes(bytes))
    }

    static let explicitLittle = "1.2.840.10008.1.2.1"
}
