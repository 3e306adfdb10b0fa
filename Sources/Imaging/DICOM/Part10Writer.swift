extension DICOMFile {
    /// Identifies files Huimin wrote (PS3.7 D.3.3.2): a UUID-derived UID, fixed for all versions.
    public static let implementationClassUID = "2.25.4326625990488648245306702299293581459"
    public static let implementationVersionName = "HUIMIN"

    /// Writes `dataSet` as a Part 10 file (PS3.10 §7): preamble, "DICM", a file meta group naming
    /// the SOP class and instance, then the data set in Explicit VR Little Endian, or in the
    /// compressed syntax its encapsulated pixel data is in. The SOP Class and Instance UIDs are set
    /// in the data set too, so a sample file can be re-UIDed by writing it again. Group lengths
    /// are dropped (retired, and easily wrong after edits); sequences and items are written with
    /// undefined length.
    public static func write(_ dataSet: DataSet, sopClassUID: String, sopInstanceUID: String,
                             transferSyntax: TransferSyntax = .explicitVRLittleEndian) throws(DICOMError) -> [UInt8] {
        guard transferSyntax.isExplicitVR, !transferSyntax.isBigEndian, !transferSyntax.isDeflated else {
            throw DICOMError.unsupportedTransferSyntax(transferSyntax.uid)
        }
        var isEncapsulated = false
        if case .encapsulated? = dataSet[.pixelData]?.value { isEncapsulated = true }
        if dataSet[.pixelData] != nil, isEncapsulated != transferSyntax.isEncapsulated {
            throw DICOMError.notWritable(tag: .pixelData, reason: "pixel data does not match \(transferSyntax.name)")
        }
        var meta = DataSet()
        meta.set(DataElement(tag: Tag(0x0002, 0x0001), vr: .OB, value: .bytes([0x00, 0x01])))
        meta.set(text(.mediaStorageSOPClassUID, .UI, sopClassUID))
        meta.set(text(.mediaStorageSOPInstanceUID, .UI, sopInstanceUID))
        meta.set(text(.transferSyntaxUID, .UI, transferSyntax.uid))
        meta.set(text(Tag(0x0002, 0x0012), .UI, implementationClassUID))
        meta.set(text(Tag(0x0002, 0x0013), .SH, implementationVersionName))
        var metaWriter = Part10Writer()
        try metaWriter.write(meta, includingMeta: true)

        var body = dataSet
        body.set(text(.sopClassUID, .UI, sopClassUID))
        body.set(text(.sopInstanceUID, .UI, sopInstanceUID))
        var writer = Part10Writer()
        writer.output = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
        writer.header(Tag(0x0002, 0x0000), .UL, length: 4)
        writer.uint32(UInt32(metaWriter.output.count))
        writer.output += metaWriter.output
        try writer.write(body, includingMeta: false)
        return writer.output
    }

    private static func text(_ tag: Tag, _ vr: VR, _ value: String) -> DataElement {
        DataElement(tag: tag, vr: vr, value: .bytes(Array(value.utf8)))
    }
}

/// Encodes data sets as Explicit VR Little Endian (PS3.5 §7.1.2).
private struct Part10Writer {
    var output: [UInt8] = []

    mutating func write(_ dataSet: DataSet, includingMeta: Bool) throws(DICOMError) {
        for element in dataSet.sortedElements where element.tag.element != 0 && (element.tag.group == 0x0002) == includingMeta {
            try write(element, bigEndian: dataSet.bigEndian)
        }
    }

    private mutating func write(_ element: DataElement, bigEndian: Bool) throws(DICOMError) {
        switch element.value {
        case .sequence(let items):
            header(element.tag, .SQ, length: ElementParser.undefinedLength)
            for item in items {
                delimiter(.item, length: ElementParser.undefinedLength)
                try write(item, includingMeta: false)
                delimiter(.itemDelimitation, length: 0)
            }
            delimiter(.sequenceDelimitation, length: 0)
        case .encapsulated(let offsetTable, let fragments):
            header(element.tag, element.vr == .OW ? .OW : .OB, length: ElementParser.undefinedLength)
            guard let tableLength = UInt32(exactly: offsetTable.count * 4), tableLength != ElementParser.undefinedLength else {
                throw DICOMError.notWritable(tag: element.tag, reason: "an offset table of \(offsetTable.count) entries")
            }
            delimiter(.item, length: tableLength)
            offsetTable.forEach { uint32($0) }
            for fragment in fragments {
                let padded = fragment.count % 2 == 0 ? fragment : fragment + [0]
                guard padded.count < Int(ElementParser.undefinedLength) else {
                    throw DICOMError.notWritable(tag: element.tag, reason: "a fragment of \(fragment.count) bytes")
                }
                delimiter(.item, length: UInt32(padded.count))
                output += padded
            }
            delimiter(.sequenceDelimitation, length: 0)
        case .bytes:
            // A value that did not parse as the sequence its VR claimed is kept as unknown bytes.
            let vr = element.vr == .SQ ? .UN : element.vr
            var value = element.littleEndianBytes(from: bigEndian) ?? []
            // Values have even length (PS3.5 §7.1.1): UIDs and bytes pad with NUL, text with a space.
            if value.count % 2 == 1 { value.append(vr.isText && vr != .UI ? 0x20 : 0x00) }
            let limit = vr.hasLongLength ? Int(ElementParser.undefinedLength) - 1 : Int(UInt16.max)
            guard value.count <= limit else {
                throw DICOMError.notWritable(tag: element.tag, reason: "\(value.count) bytes is too long for \(vr.rawValue)")
            }
            header(element.tag, vr, length: UInt32(value.count))
            output += value
        }
    }

    mutating func header(_ tag: Tag, _ vr: VR, length: UInt32) {
        uint16(tag.group)
        uint16(tag.element)
        output += vr.rawValue.utf8
        if vr.hasLongLength {
            uint16(0)
            uint32(length)
        } else {
            uint16(UInt16(length))
        }
    }

    private mutating func delimiter(_ tag: Tag, length: UInt32) {
        uint16(tag.group)
        uint16(tag.element)
        uint32(length)
    }

    private mutating func uint16(_ value: UInt16) {
        output += [UInt8(value & 0xFF), UInt8(value >> 8)]
    }

    mutating func uint32(_ value: UInt32) {
        output += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }
}
